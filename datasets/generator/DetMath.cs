namespace LabelPipeline.DatasetGenerator;

/// <summary>
/// Math the generator needs, built only from +, -, *, / and Floor, which IEEE-754 rounds exactly on every platform.
/// <see cref="Math.Sin(double)"/> calls the C runtime's libm, whose last bit may differ between Linux, Windows and
/// macOS; that could, rarely, flip a printed decimal and break the byte-identical check.
/// </summary>
public static class DetMath
{
    private const double TwoPi = 2.0 * Math.PI;
    private const double HalfPi = 0.5 * Math.PI;

    /// <summary>sin(x), accurate to about 1e-13 (range reduction to [-π/2, π/2], then the Taylor series to x^19).</summary>
    public static double Sin(double x)
    {
        var r = x - (TwoPi * Math.Floor(x / TwoPi)); // [0, 2π)
        if (r > Math.PI)
        {
            r -= TwoPi; // (-π, π]
        }

        if (r > HalfPi)
        {
            r = Math.PI - r;
        }
        else if (r < -HalfPi)
        {
            r = -Math.PI - r;
        }

        var r2 = r * r;
        var term = r;
        var sum = r;
        for (var n = 1; n <= 9; n++)
        {
            term *= -r2 / ((2.0 * n) * ((2.0 * n) + 1.0));
            sum += term;
        }

        return sum;
    }

    /// <summary>0 below 0, 1 above 1, the cubic 3t²-2t³ between.</summary>
    public static double SmoothStep(double t) => t <= 0 ? 0 : t >= 1 ? 1 : t * t * (3.0 - (2.0 * t));
}
