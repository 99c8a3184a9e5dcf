using EdgeGateway.Detection.RideQuality;

namespace EdgeGateway.Detection.Tests.RideQuality;

public sealed class ButterworthLowPassTests
{
    [Theory]
    [InlineData(100)]
    [InlineData(200)]
    [InlineData(400)]
    [InlineData(1600)]
    public void Dc_gain_is_one(double rate)
    {
        var filter = new ButterworthLowPass(10, rate);
        Assert.Equal(1.0, filter.MagnitudeAt(0), 12);

        // And in the time domain: a step settles at exactly its height.
        double y = 0;
        for (var i = 0; i < (int)(rate * 2); i++)
        {
            y = filter.Process(9.81);
        }

        Assert.Equal(9.81, y, 9);
    }

    [Theory]
    [InlineData(100)]
    [InlineData(200)]
    [InlineData(1600)]
    public void Is_three_db_down_at_the_cutoff(double rate)
    {
        var filter = new ButterworthLowPass(10, rate);
        Assert.Equal(1 / Math.Sqrt(2), filter.MagnitudeAt(10), 9);

        // Measured on a 10 Hz sine after the transient has died out.
        var measured = SteadyStateAmplitude(filter, 10, rate);
        Assert.InRange(measured, 0.7071 * 0.99, 0.7071 * 1.01);
    }

    [Fact]
    public void Passes_the_ride_band_and_removes_noise_above_the_cutoff()
    {
        var filter = new ButterworthLowPass(10, 200);
        // Butterworth: |H| = 1/sqrt(1 + (f/fc)^4) in the analog prototype; the bilinear transform only steepens it above fc.
        Assert.InRange(SteadyStateAmplitude(filter, 1, 200), 0.999, 1.0001);
        Assert.InRange(SteadyStateAmplitude(new ButterworthLowPass(10, 200), 2, 200), 0.998, 1.0001);
        Assert.True(SteadyStateAmplitude(new ButterworthLowPass(10, 200), 40, 200) < 1 / Math.Sqrt(1 + Math.Pow(4, 4)));
    }

    [Fact]
    public void Reset_starts_in_the_steady_state_of_the_value()
    {
        var filter = new ButterworthLowPass(10, 200);
        filter.Reset(9.81);
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(9.81, filter.Process(9.81), 12);
        }
    }

    [Theory]
    [InlineData(10, 20)]
    [InlineData(10, 15)]
    [InlineData(0, 200)]
    [InlineData(10, 0)]
    public void Rejects_a_cutoff_the_rate_cannot_represent(double cutoff, double rate) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new ButterworthLowPass(cutoff, rate));

    private static double SteadyStateAmplitude(ButterworthLowPass filter, double frequency, double rate)
    {
        var n = (int)(rate * 10);
        var max = 0.0;
        for (var i = 0; i < n; i++)
        {
            var y = filter.Process(Math.Sin(2 * Math.PI * frequency * i / rate));
            if (i > n / 2)
            {
                max = Math.Max(max, Math.Abs(y));
            }
        }

        return max;
    }
}
