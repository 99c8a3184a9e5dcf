using System.Device.Gpio;
using EdgeGateway.Acquisition.Sensors.Gpio;
using EdgeGateway.Acquisition.Sensors.Simulated;
using EdgeGateway.Core.Signals;
using EdgeGateway.Core.Time;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.Acquisition.Sensors.Tests.Gpio;

public sealed class GpioInputSourceTests
{
    private readonly FakeTimeProvider _time;
    private readonly MonotonicClock _clock;
    private readonly SimulatedGpioDriverFactory _board = new();
    private readonly RecordingSampleWriter _writer = new();
    private readonly RecordingHealthReporter _health = new();

    public GpioInputSourceTests()
    {
        _time = new FakeTimeProvider();
        _clock = new MonotonicClock(_time);
    }

    private GpioInputSource CreateSource(GpioOptions options) =>
        new(Options.Create(options), _board, _clock, NullLogger<GpioInputSource>.Instance);

    private static GpioOptions Wiring() => new()
    {
        Inputs =
        {
            ["zone"] = new GpioInputOptions { Chip = 0, Line = 17 },
            ["door"] = new GpioInputOptions { Chip = 0, Line = 22 },
            ["alarm"] = new GpioInputOptions { Chip = 0, Line = 27, ActiveLow = true, Bias = GpioBias.PullUp },
            ["mains"] = new GpioInputOptions { Chip = 1, Line = 4 },
        },
    };

    [Fact]
    public void Open_writes_the_initial_state_of_every_input()
    {
        _board.Chip(0).SetInput(17, PinValue.High);
        _board.Chip(0).SetInput(22, PinValue.High);
        _board.Chip(1).SetInput(4, PinValue.High);
        using var source = CreateSource(Wiring());

        source.Open(_writer, _health);

        var samples = _writer.Snapshot();
        Assert.Equal(4, samples.Length);
        Assert.Contains(samples, s => s.Has(SignalMask.Zone) && s.Zone);
        Assert.Contains(samples, s => s.Has(SignalMask.Door) && s.Door == DoorState.Closed);
        // Alarm is active-low with a pull-up and nothing pressing it: released.
        Assert.Contains(samples, s => s.Has(SignalMask.Alarm) && !s.Alarm);
        Assert.Contains(samples, s => s.Has(SignalMask.Mains) && s.Mains);
        Assert.True(_board.Chip(0).IsOpen(27));
    }

    [Fact]
    public void A_bouncing_contact_yields_exactly_one_edge_stamped_when_it_first_closed()
    {
        using var source = CreateSource(Wiring());
        source.Open(_writer, _health);
        _writer.Clear();
        _time.Advance(TimeSpan.FromSeconds(1));

        // The alarm button (active-low) is pressed and bounces: 6 reversals 0.5 ms apart.
        var pressedAt = _clock.NowMicros;
        for (var i = 0; i < 6; i++)
        {
            _board.Chip(0).SetInput(27, i % 2 == 0 ? PinValue.Low : PinValue.High);
            _time.Advance(TimeSpan.FromMicroseconds(500));
        }

        _board.Chip(0).SetInput(27, PinValue.Low);
        for (var i = 0; i < 20; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(5));
            source.Poll(_writer);
        }

        var edges = _writer.Snapshot();
        var edge = Assert.Single(edges);
        Assert.True(edge.Has(SignalMask.Alarm));
        Assert.True(edge.Alarm);
        Assert.Equal(pressedAt, edge.TimeMicros);
    }

    [Fact]
    public void Release_after_press_gives_two_edges_in_order()
    {
        using var source = CreateSource(Wiring());
        source.Open(_writer, _health);
        _writer.Clear();

        _board.Chip(0).InjectBounce(17, PinValue.High, bounces: 3);
        _time.Advance(TimeSpan.FromMilliseconds(30));
        source.Poll(_writer);
        _board.Chip(0).InjectBounce(17, PinValue.Low, bounces: 2);
        _time.Advance(TimeSpan.FromMilliseconds(30));
        source.Poll(_writer);

        var edges = _writer.Snapshot();
        Assert.Equal(2, edges.Length);
        Assert.True(edges[0].Zone);
        Assert.False(edges[1].Zone);
        Assert.True(edges[1].TimeMicros > edges[0].TimeMicros);
    }

    [Fact]
    public void A_full_writer_defers_the_edge_instead_of_losing_it()
    {
        using var source = CreateSource(Wiring());
        var full = new RecordingSampleWriter(capacity: 4);
        source.Open(full, _health);
        Assert.Equal(4, full.Count);

        _board.Chip(0).SetInput(17, PinValue.High);
        _time.Advance(TimeSpan.FromMilliseconds(30));
        Assert.Equal(0, source.Poll(full));
        Assert.Equal(1, source.DeferredEdges);

        full.Clear();
        Assert.Equal(1, source.Poll(full));
        Assert.True(Assert.Single(full.Snapshot()).Zone);
    }

    [Fact]
    public void A_missing_chip_is_reported_and_retried_while_the_other_inputs_work()
    {
        _board.SetMissing(1, missing: true);
        using var source = CreateSource(Wiring());
        source.Open(_writer, _health);

        var (sensor, problem) = Assert.Single(_health.Reports, r => r.Problem is not null);
        Assert.Equal("gpio:mains", sensor);
        Assert.Contains("chip 1 line 4", problem, StringComparison.Ordinal);
        Assert.Equal(3, _writer.Count);

        _board.SetMissing(1, missing: false);
        _board.Chip(1).SetInput(4, PinValue.High);
        _time.Advance(GpioInputSource.ReopenInterval);
        source.Poll(_writer);

        Assert.Contains(_health.Reports, r => r is { Sensor: "gpio:mains", Problem: null });
        Assert.Contains(_writer.Snapshot(), s => s.Has(SignalMask.Mains) && s.Mains);
    }

    [Fact]
    public void A_dropped_edge_event_is_caught_by_the_periodic_read_back()
    {
        var options = Wiring();
        options.ResyncIntervalMs = 100;
        using var source = CreateSource(options);
        source.Open(_writer, _health);
        _writer.Clear();

        _board.Chip(0).DropNextEvents(1);
        _board.Chip(0).SetInput(22, PinValue.High);
        _time.Advance(TimeSpan.FromMilliseconds(50));
        source.Poll(_writer);
        Assert.Equal(0, _writer.Count);

        _time.Advance(TimeSpan.FromMilliseconds(60));
        source.Poll(_writer);
        _time.Advance(TimeSpan.FromMilliseconds(30));
        source.Poll(_writer);

        Assert.Contains(_writer.Snapshot(), s => s.Has(SignalMask.Door) && s.Door == DoorState.Closed);
    }

    [Fact]
    public void Steady_state_polling_allocates_nothing()
    {
        using var source = CreateSource(Wiring());
        var writer = new RecordingSampleWriter(capacity: 4096);
        source.Open(writer, _health);
        var chip = _board.Chip(0);
        for (var i = 0; i < 50; i++)
        {
            chip.SetInput(17, i % 2 == 0 ? PinValue.High : PinValue.Low);
            _time.Advance(TimeSpan.FromMilliseconds(25));
            source.Poll(writer);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(5));
            source.Poll(writer);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public async Task RunAsync_feeds_an_alarm_press_through_the_real_controller()
    {
        var options = Wiring();
        using var source = new GpioInputSource(Options.Create(options), _board, MonotonicClock.System, NullLogger<GpioInputSource>.Instance);
        using var cts = new CancellationTokenSource();
        var run = source.RunAsync(_writer, _health, cts.Token);
        await Eventually.True(() => _writer.Count >= 4, "initial states");

        _board.Chip(0).InjectBounce(27, PinValue.Low, bounces: 4);
        await Eventually.True(() => _writer.Snapshot().Any(s => s.Has(SignalMask.Alarm) && s.Alarm), "alarm press");

        await cts.CancelAsync();
        await run;
        Assert.False(_board.Chip(0).IsOpen(27));
        Assert.Single(_writer.Snapshot(), s => s.Has(SignalMask.Alarm) && s.Alarm);
    }
}
