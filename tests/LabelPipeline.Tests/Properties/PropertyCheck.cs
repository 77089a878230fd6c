using System.Runtime.CompilerServices;
using CsCheck;
using Xunit.Abstractions;

namespace LabelPipeline.Tests.Properties;

/// <summary>
/// Runs a property over generated cases with CsCheck, deterministically: case i of a property is generated from the
/// seed <c>PCG(i, base)</c>, where the base is fixed per property (so CI runs the same cases every time) unless
/// <c>LABELPIPELINE_PROPERTY_SEED</c> gives another (a number; <c>random</c> draws one, for exploring). The base seed
/// is printed; a failure names the case's CsCheck seed, and CsCheck shrinks from it to a smaller failing input.
/// </summary>
public static class PropertyCheck
{
    public const string SeedVariable = "LABELPIPELINE_PROPERTY_SEED";

    public static void ForAll<T>(Gen<T> gen, Action<T> property, ITestOutputHelper output, int cases = 200, [CallerMemberName] string name = "")
    {
        var baseSeed = BaseSeed(name);
        output.WriteLine($"property {name}: base seed {baseSeed}, {cases} cases ({SeedVariable}={baseSeed} replays them)");
        Console.WriteLine($"[property] {name}: base seed {baseSeed}, {cases} cases");
        for (var i = 0; i < cases; i++)
        {
            var seed = new PCG((uint)i, baseSeed).ToString();
            var value = gen.Generate(PCG.Parse(seed), null!, out _);
            try
            {
                property(value);
            }
            catch (Exception failure)
            {
                // CsCheck starts from the failing seed and searches smaller inputs that fail too.
                string shrunk;
                try
                {
                    gen.Sample(property, seed: seed, iter: 3_000, threads: 1);
                    shrunk = "(no smaller failing input found)";
                }
                catch (Exception smaller)
                {
                    shrunk = smaller.Message;
                }

                throw new Xunit.Sdk.XunitException(
                    $"property {name} fails on case {i} (base seed {baseSeed}, CsCheck seed {seed}):\n{failure.Message}\n" +
                    $"input: {Check.Print(value)}\nshrunk: {shrunk}");
            }
        }
    }

    private static ulong BaseSeed(string name)
    {
        var configured = Environment.GetEnvironmentVariable(SeedVariable);
        if (configured == "random")
        {
            return PCG.ThreadPCG.Next64();
        }

        if (ulong.TryParse(configured, out var seed))
        {
            return seed;
        }

        // FNV-1a of the name: stable across runs and machines (string.GetHashCode is not).
        var hash = 14695981039346656037UL;
        foreach (var c in name)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return hash;
    }
}
