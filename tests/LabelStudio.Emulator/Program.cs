using LabelStudio.Emulator;
using LabelStudio.Emulator.CommandLine;

// Standalone emulator: dotnet run --project tests/LabelStudio.Emulator -- --port 8080 --token <40hex> --local-files-root /abs/datasets
// Give paths absolute: `dotnet run` may start the program in the project folder.
if (args.Contains("--help") || args.Contains("-h"))
{
    Console.WriteLine(EmulatorCommandLine.Usage);
    return 0;
}

EmulatorOptions options;
try
{
    options = EmulatorCommandLine.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(EmulatorCommandLine.Usage);
    return 2;
}

using var stop = new CancellationTokenSource();

// Ctrl+C and SIGTERM (docker stop, kill) both end the wait below, so the summary prints and the port is released.
void Stop(System.Runtime.InteropServices.PosixSignalContext context)
{
    context.Cancel = true;
    stop.Cancel();
}

using var onInterrupt = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGINT, Stop);
using var onTerminate = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, Stop);

EmulatorServer server;
try
{
    server = await EmulatorServer.StartAsync(options with { FailOnContractViolations = false }, stop.Token); // printed at shutdown instead
}
catch (FileNotFoundException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

await using var running = server;
Console.WriteLine($"Label Studio emulator {options.Version} listening on {server.BaseUrl}");
Console.WriteLine($"  legacy token: {server.LegacyToken} ({(options.LegacyTokensEnabled ? "enabled" : "disabled")})");
Console.WriteLine($"  personal access token: {server.CreatePersonalAccessToken()}");
Console.WriteLine($"  local files: {(options.LocalFilesDocumentRoot is null ? "no document root" : options.LocalFilesDocumentRoot)}");
try
{
    await Task.Delay(Timeout.Infinite, stop.Token);
}
catch (OperationCanceledException)
{
    // Ctrl+C
}

if (server.ContractViolations.Count > 0)
{
    Console.WriteLine($"{server.ContractViolations.Count} contract violation(s):");
    foreach (var violation in server.ContractViolations)
    {
        Console.WriteLine("  " + violation);
    }
}

return 0;
