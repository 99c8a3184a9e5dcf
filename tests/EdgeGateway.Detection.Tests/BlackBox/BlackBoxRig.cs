using EdgeGateway.Core.Events;
using EdgeGateway.Core.Lift;
using EdgeGateway.Core.Signals;
using EdgeGateway.Detection.BlackBox;
using EdgeGateway.Detection.Kpi;
using EdgeGateway.Detection.Tests.Kpi;
using EdgeGateway.Detection.Tests.Trips;
using EdgeGateway.Detection.Tracing;
using EdgeGateway.Testing.Files;

namespace EdgeGateway.Detection.Tests.BlackBox;

/// <summary>
/// A black box fed like the hot loop feeds it: each sample goes into the history ring (before or after the engine
/// sees it) and to the recorder; events arrive before the sample that produced them.
/// </summary>
internal sealed class BlackBoxRig : IDisposable
{
    public static readonly LiftProfile Profile = new("31101101002015000123", -1, 12, 1750);
    public static readonly DateTimeOffset Start = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);

    private readonly bool _historyFirst;
    private readonly StageDriver _driver;

    public BlackBoxRig(bool historyFirst = true, BlackBoxOptions? options = null, int ringCapacity = 1 << 15, DateTimeOffset? wallStart = null, bool synchronised = true)
    {
        _historyFirst = historyFirst;
        Ring = new TestSampleRing(ringCapacity);
        Options = options ?? new BlackBoxOptions();
        Service = new BlackBoxService(Dir.Path, Options, Profile, Ring, new TraceWallTimeMapper(synchronised ? wallStart ?? Start : null), Sink, Logs);
        _driver = new StageDriver(Service.Recorder);
    }

    public TempDirectory Dir { get; } = new();

    public TestSampleRing Ring { get; }

    public BlackBoxOptions Options { get; }

    public BlackBoxService Service { get; }

    public CollectingCaptureSink Sink { get; } = new();

    public CapturingLoggerFactory Logs { get; } = new();

    /// <summary>Everything fed so far, for comparing captures with what happened.</summary>
    public List<LiftSample> Fed { get; } = [];

    public LiftState State => _driver.State;

    public void Feed(in LiftSample sample, bool record = true)
    {
        if (record)
        {
            Fed.Add(sample);
        }

        if (_historyFirst)
        {
            Ring.Write(sample);
        }

        _driver.Feed(sample);
        if (!_historyFirst)
        {
            Ring.Write(sample);
        }
    }

    public void Event(long t, EventType type, EventPhase phase = EventPhase.Raised) =>
        _driver.Event(new LiftEvent(t, type, phase, State.Floor, EventDetail.None));

    public void AdvanceTo(long t) => _driver.AdvanceTo(t);

    /// <summary>
    /// Feeds a lift going up and down from <paramref name="fromMs"/> to <paramref name="toMs"/>: a controller line every
    /// 100 ms (speed, and the floor every 5 s) and an accelerometer line every 5 ms with a recognisable value.
    /// <paramref name="onTime"/> runs before each sample (to inject events).
    /// </summary>
    public void Run(long fromMs, long toMs, Action<long>? onTime = null)
    {
        for (var ms = fromMs; ms < toMs; ms += 5)
        {
            var t = ms * 1000;
            onTime?.Invoke(t);
            if (ms == 0)
            {
                Feed(SyntheticLift.Rest(0, 1));
            }
            else if (ms % 100 == 0)
            {
                var floor = (int)(ms / 5000 % 10);
                Feed(SyntheticLift.Controller(t, floor, TravelDirection.Up, true, (int)(ms / 100 % 1000)));
            }

            Feed(LiftSample.Acceleration(t, 0.01f, -0.02f, 9.8f + (0.001f * (ms / 5 % 100))));
        }
    }

    public (TraceHeader Header, List<LiftSample> Samples) Read(string path)
    {
        using var reader = TraceReader.Open(path);
        var samples = new List<LiftSample>();
        while (reader.TryRead(out var s))
        {
            samples.Add(s);
        }

        return (reader.Header, samples);
    }

    public void Dispose() => Dir.Dispose();
}

internal sealed class CollectingCaptureSink : IBlackBoxSink
{
    public List<BlackBoxCapture> Captures { get; } = [];

    public void OnCapture(BlackBoxCapture capture) => Captures.Add(capture);
}
