using EdgeGateway.Acquisition.Sensors.Gpio;

namespace EdgeGateway.Acquisition.Sensors.Tests.Gpio;

public sealed class DebouncedInputTests
{
    private const long Debounce = 20_000;

    [Fact]
    public void A_bouncing_press_yields_one_edge_stamped_at_first_contact()
    {
        var input = new DebouncedInput(GpioSignal.Alarm, 0, 5, activeLow: false, Debounce);
        input.Reset(high: false, nowMicros: 0);

        // Contact closes at 1.000 s and bounces for 3 ms.
        long t = 1_000_000;
        foreach (var level in new[] { true, false, true, false, true, false, true })
        {
            input.OnRawLevel(level, t);
            t += 500;
        }

        var lastEdge = t - 500;
        Assert.False(input.TryGetSettled(lastEdge + Debounce - 1, out _, out _));
        Assert.True(input.TryGetSettled(lastEdge + Debounce, out var edge, out var active));
        Assert.Equal(1_000_000, edge);
        Assert.True(active);
        input.Commit(active);
        Assert.False(input.TryGetSettled(lastEdge + (10 * Debounce), out _, out _));
        Assert.Equal(7, input.RawEdges);
    }

    [Fact]
    public void A_glitch_shorter_than_the_debounce_is_ignored()
    {
        var input = new DebouncedInput(GpioSignal.Zone, 0, 5, activeLow: false, Debounce);
        input.Reset(high: false, nowMicros: 0);
        input.OnRawLevel(true, 100_000);
        input.OnRawLevel(false, 105_000);

        Assert.False(input.TryGetSettled(200_000, out _, out _));
        Assert.False(input.StableActive);
    }

    [Fact]
    public void Active_low_inverts_the_level()
    {
        var input = new DebouncedInput(GpioSignal.Alarm, 0, 5, activeLow: true, Debounce);
        input.Reset(high: true, nowMicros: 0);
        Assert.False(input.StableActive);

        input.OnRawLevel(false, 50_000);
        Assert.True(input.TryGetSettled(50_000 + Debounce, out var edge, out var active));
        Assert.Equal(50_000, edge);
        Assert.True(active);
    }
}
