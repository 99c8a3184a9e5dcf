using EdgeGateway.Core.Acquisition;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Lift;
using EdgeGateway.Core.Signals;
using EdgeGateway.Detection;
using EdgeGateway.Simulation.Lift;

namespace EdgeGateway.Simulation.Tests.Scenarios;

/// <summary>The simulated lift wired straight into the real detection engine with default options.</summary>
internal sealed class DetectionHarness : ISampleWriter, IEventSink
{
    public DetectionHarness(SimulationOptions options, LiftProfile? profile = null)
    {
        Lift = new SimulatedLift(profile ?? LiftProfile.Default, options);
        Engine = new DetectionEngine(Lift.Profile, new DetectionOptions(), this);
    }

    public SimulatedLift Lift { get; }

    public DetectionEngine Engine { get; }

    public List<LiftEvent> Events { get; } = [];

    public long Samples { get; private set; }

    public void RunFor(TimeSpan duration)
    {
        // In hour-long slices: each call is a fresh, fully optimised entry into the stepping loop rather than one
        // week-long loop left to on-stack replacement.
        var end = Lift.Elapsed + duration;
        while (Lift.Elapsed + TimeSpan.FromHours(1) < end)
        {
            Lift.RunFor(TimeSpan.FromHours(1), this);
        }

        Lift.RunFor(end - Lift.Elapsed, this);
        Engine.AdvanceTo(Lift.NowMicros);
    }

    /// <summary>Runs until every scheduled fault has finished, then <paramref name="settle"/> more.</summary>
    public void RunUntilFaultsEnd(TimeSpan settle, TimeSpan limit)
    {
        while (Lift.Faults.Pending > 0 || Lift.Faults.Active is not null)
        {
            Assert.True(Lift.Elapsed < limit, $"faults still running at {Lift.Elapsed}: {Lift.Faults.Active}");
            RunFor(TimeSpan.FromSeconds(5));
        }

        RunFor(settle);
    }

    public bool TryWrite(in LiftSample sample)
    {
        Samples++;
        Engine.Process(in sample);
        return true;
    }

    public void OnEvent(in LiftEvent liftEvent) => Events.Add(liftEvent);

    public static bool IsGrade1Or2(in LiftEvent e) => e.Definition.Grade is EventGrade.Grade1 or EventGrade.Grade2;

    public string Describe() => string.Join(
        Environment.NewLine,
        Events.Select(e => $"{e.TimeMicros / 1e6,10:0.000} {e.Definition.Name} {e.Phase} floor={e.Floor} {e.Detail}"));
}
