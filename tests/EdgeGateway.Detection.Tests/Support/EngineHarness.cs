using EdgeGateway.Core.Events;
using EdgeGateway.Core.Lift;
using EdgeGateway.Core.Signals;

namespace EdgeGateway.Detection.Tests.Support;

/// <summary>Collects events in memory.</summary>
public sealed class RecordingSink : IEventSink
{
    public List<LiftEvent> Events { get; } = [];

    public void OnEvent(in LiftEvent liftEvent) => Events.Add(liftEvent);
}

/// <summary>A real engine with a recording sink; times in ms as the brief writes them.</summary>
public sealed class EngineHarness
{
    public static readonly LiftProfile Profile = new("TEST-LIFT", -1, 12, 1750);

    public EngineHarness(DetectionOptions? options = null, LiftProfile? profile = null)
    {
        Engine = new DetectionEngine(profile ?? Profile, options ?? new DetectionOptions(), Sink);
    }

    public RecordingSink Sink { get; } = new();

    public DetectionEngine Engine { get; }

    public List<LiftEvent> Events => Sink.Events;

    public EngineHarness Feed(params LiftSample[] samples)
    {
        foreach (var s in samples)
        {
            Engine.Process(in s);
        }

        return this;
    }

    public EngineHarness Feed(Samples sample) => Feed((LiftSample)sample);

    public EngineHarness AdvanceTo(double ms)
    {
        Engine.AdvanceTo((long)Math.Round(ms * 1000));
        return this;
    }

    public List<LiftEvent> Of(EventType type) => Events.Where(e => e.Type == type).ToList();

    /// <summary>Asserts exactly these (type, phase, ms) events, in order.</summary>
    public void AssertEvents(params (EventType Type, EventPhase Phase, double Ms)[] expected)
    {
        var actual = Events.Select(e => (e.Type, e.Phase, e.TimeMicros / 1000.0)).ToArray();
        Assert.Equal(expected, actual);
    }
}
