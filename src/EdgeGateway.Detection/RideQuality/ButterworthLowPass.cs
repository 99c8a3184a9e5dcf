namespace EdgeGateway.Detection.RideQuality;

/// <summary>
/// A 2nd-order Butterworth low-pass IIR filter (one biquad), with coefficients computed from the cutoff and the
/// sample rate. Ride quality after ISO 18738-1 and the emergency-stop rule both read vertical acceleration
/// "low-passed at 10 Hz" (domain brief); a Butterworth response is maximally flat in the pass band, so the
/// acceleration plateau of a trip passes with gain 1 while sensor noise above the cutoff is removed.
/// </summary>
/// <remarks>
/// Coefficients: the bilinear transform with frequency pre-warping of H(s) = 1 / (s² + s/Q + 1), Q = 1/√2, exactly as
/// R. Bristow-Johnson, "Cookbook formulae for audio EQ biquad filter coefficients" (W3C Audio EQ Cookbook, LPF):
/// w0 = 2π·f0/Fs, α = sin(w0)/(2Q), b0 = b2 = (1 − cos w0)/2, b1 = 1 − cos w0, a0 = 1 + α, a1 = −2·cos w0, a2 = 1 − α.
/// Pre-warping puts the −3 dB point exactly at f0; the DC gain (b0+b1+b2)/(a0+a1+a2) is exactly 1.
/// Evaluated in transposed direct form II, which needs two state variables and is well conditioned in double precision.
/// Not thread-safe: one instance per signal, used from one thread.
/// </remarks>
public sealed class ButterworthLowPass
{
    private const double ButterworthQ = 0.70710678118654752440; // 1/√2: the maximally flat 2nd-order response

    private readonly double _b0;
    private readonly double _b1;
    private readonly double _b2;
    private readonly double _a1;
    private readonly double _a2;
    private double _z1;
    private double _z2;

    public ButterworthLowPass(double cutoffHz, double sampleRateHz)
    {
        if (!(sampleRateHz > 0) || double.IsInfinity(sampleRateHz))
        {
            throw new ArgumentOutOfRangeException(nameof(sampleRateHz), sampleRateHz, "The sample rate must be a positive number of Hz.");
        }

        // The bilinear transform maps the whole analog axis below Nyquist; a cutoff at or above it has no digital equivalent.
        if (!(cutoffHz > 0) || cutoffHz >= sampleRateHz / 2)
        {
            throw new ArgumentOutOfRangeException(nameof(cutoffHz), cutoffHz,
                $"The cutoff must be above 0 and below half the sample rate ({sampleRateHz / 2} Hz).");
        }

        CutoffHz = cutoffHz;
        SampleRateHz = sampleRateHz;
        var w0 = 2 * Math.PI * cutoffHz / sampleRateHz;
        var cosW0 = Math.Cos(w0);
        var alpha = Math.Sin(w0) / (2 * ButterworthQ);
        var a0 = 1 + alpha;
        _b0 = (1 - cosW0) / 2 / a0;
        _b1 = (1 - cosW0) / a0;
        _b2 = _b0;
        _a1 = -2 * cosW0 / a0;
        _a2 = (1 - alpha) / a0;
    }

    public double CutoffHz { get; }

    public double SampleRateHz { get; }

    /// <summary>The last output value.</summary>
    public double Value { get; private set; }

    /// <summary>Puts the filter in the steady state of a constant input <paramref name="value"/> (no start-up transient).</summary>
    public void Reset(double value)
    {
        // Steady state of transposed DF II for constant x = y = value: z1 = y − b0·x, z2 = b2·x − a2·y.
        _z1 = value - (_b0 * value);
        _z2 = (_b2 * value) - (_a2 * value);
        Value = value;
    }

    public double Process(double x)
    {
        var y = (_b0 * x) + _z1;
        _z1 = (_b1 * x) - (_a1 * y) + _z2;
        _z2 = (_b2 * x) - (_a2 * y);
        Value = y;
        return y;
    }

    /// <summary>The filter's magnitude response at <paramref name="frequencyHz"/>, from its coefficients (for tests and documentation).</summary>
    public double MagnitudeAt(double frequencyHz)
    {
        var w = 2 * Math.PI * frequencyHz / SampleRateHz;
        // H(e^jw) = (b0 + b1 e^-jw + b2 e^-2jw) / (1 + a1 e^-jw + a2 e^-2jw)
        var numRe = _b0 + (_b1 * Math.Cos(w)) + (_b2 * Math.Cos(2 * w));
        var numIm = -(_b1 * Math.Sin(w)) - (_b2 * Math.Sin(2 * w));
        var denRe = 1 + (_a1 * Math.Cos(w)) + (_a2 * Math.Cos(2 * w));
        var denIm = -(_a1 * Math.Sin(w)) - (_a2 * Math.Sin(2 * w));
        return Math.Sqrt(((numRe * numRe) + (numIm * numIm)) / ((denRe * denRe) + (denIm * denIm)));
    }
}
