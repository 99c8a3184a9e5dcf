using EdgeGateway.Core.Events;
using EdgeGateway.Simulation.Faults;
using Xunit.Abstractions;

namespace EdgeGateway.Simulation.Tests.Scenarios;

/// <summary>
/// Each injected fault, run through the real detection engine with the brief's default rules, raises exactly the
/// events the domain brief predicts, at the predicted times, and no other grade 1–2 event; every one clears once
/// the lift is back in service.
/// </summary>
public class FaultScenarioTests(ITestOutputHelper output)
{
    private enum Anchor
    {
        Incident,
        Recovery,
    }

    /// <summary>One expected raised or instant event, <paramref name="From"/>..<paramref name="To"/> seconds after the anchor.</summary>
    private sealed record Expected(EventType Type, double From, double To, Anchor Anchor = Anchor.Incident, bool? BetweenFloors = null);

    // The controller's signals reach detection on its 100 ms tick, hence the windows' width.
    public static TheoryData<string> Faults => new(FaultCatalogue.All.Select(d => d.Name));

    private static Expected[] ExpectedFor(FaultKind kind) => kind switch
    {
        FaultKind.Entrapment =>
        [
            new(EventType.ControllerFault, 1, 1.3),
            new(EventType.StoppedOutsideDoorZone, 10, 10.3),
            new(EventType.Entrapment, 30, 30.3, BetweenFloors: true),
            new(EventType.AlarmButton, 61, 61.3),
            new(EventType.Inspection, 0, 0.3, Anchor.Recovery),
        ],
        FaultKind.ShutInAtFloor => [new(EventType.Entrapment, 30, 30.3, BetweenFloors: false)],
        FaultKind.StopOutsideDoorZone => [new(EventType.StoppedOutsideDoorZone, 10, 10.3)],
        FaultKind.DoorStuckOpening => [new(EventType.DoorOpenFailure, 10, 10.3)],
        FaultKind.DoorCannotClose => [new(EventType.DoorCloseFailure, 15, 15.3)],

        // Closing to half (1.5 s), then four cycles of reopening from half (1.25 s), dwell (1.5 s), closing to half (1.5 s).
        FaultKind.DoorReversals => [new(EventType.DoorCloseFailure, 18.3, 18.9)],
        FaultKind.DoorOpenWhileRunning => [new(EventType.DoorOpenWhileRunning, 0.3, 0.45), new(EventType.DoorLockCircuitOpen, 0.3, 0.45)],
        FaultKind.LockBounce => [new(EventType.DoorLockCircuitOpen, 0.3, 0.45)],
        FaultKind.Overspeed =>
        [
            new(EventType.Overspeed, -2.5, 0),
            new(EventType.EmergencyStop, -0.5, 0.1),
            new(EventType.SafetyCircuitOpen, 0, 0.6),
            new(EventType.ControllerFault, 0.5, 1.2),
            new(EventType.StoppedOutsideDoorZone, 10, 10.3),
            new(EventType.Entrapment, 30, 30.3, BetweenFloors: true),
            new(EventType.Inspection, 0, 0.3, Anchor.Recovery),
        ],
        FaultKind.OverrunTop =>
        [
            new(EventType.ControllerFault, 1, 1.3),
            new(EventType.OverrunTop, 2, 2.3),
            new(EventType.StoppedOutsideDoorZone, 10, 10.3),
            new(EventType.Entrapment, 30, 30.3, BetweenFloors: true),
            new(EventType.Inspection, 0, 0.3, Anchor.Recovery),
        ],
        FaultKind.OverrunBottom =>
        [
            new(EventType.ControllerFault, 1, 1.3),
            new(EventType.OverrunBottom, 2, 2.3),
            new(EventType.StoppedOutsideDoorZone, 10, 10.3),
            new(EventType.Entrapment, 30, 30.3, BetweenFloors: true),
            new(EventType.Inspection, 0, 0.3, Anchor.Recovery),
        ],

        // Drift: 0.83 s accelerating to 0.25 m/s, 1.2 s at it, 0.17 s on the UCMP brake: at rest ~2.2 s after the start.
        FaultKind.UnintendedMovement =>
        [
            new(EventType.UnintendedMovement, 0.2, 1.5),
            new(EventType.ControllerFault, 2.5, 4),
            new(EventType.StoppedOutsideDoorZone, 11, 13.5),
            new(EventType.Inspection, 0, 0.3, Anchor.Recovery),
        ],
        FaultKind.ControllerFault => [new(EventType.ControllerFault, 1, 1.2)],
        FaultKind.SafetyOpen => [new(EventType.SafetyCircuitOpen, 0.5, 0.7)],
        FaultKind.LinkLoss => [new(EventType.LinkLost, 3, 3.2)],
        FaultKind.InvalidFloor => [new(EventType.FloorPositionLost, 2, 2.2)],
        FaultKind.AlarmButton => [new(EventType.AlarmButton, 1, 1.2)],
        FaultKind.MainsLoss => [new(EventType.PowerLoss, 1, 1.1), new(EventType.LinkLost, 3, 3.2)],
        FaultKind.Inspection => [new(EventType.Inspection, 0, 0.15)],
        FaultKind.FireService => [new(EventType.ModeChange, 0, 0.15)],
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    [Theory]
    [MemberData(nameof(Faults))]
    public void Injected_fault_raises_exactly_the_expected_events(string fault)
    {
        Assert.True(FaultCatalogue.TryGet(fault, out var definition));
        var harness = new DetectionHarness(new SimulationOptions
        {
            Scenario = SimulationScenario.Traffic,
            TrafficCallsPerHour = 60,
            AccelerometerHz = 200,
            Seed = 11,
            Faults = [new() { Fault = fault, AtSeconds = 30 }],
        });

        harness.RunUntilFaultsEnd(settle: TimeSpan.FromSeconds(60), limit: TimeSpan.FromMinutes(20));
        var record = Assert.Single(harness.Lift.Faults.Records);
        output.WriteLine(record.ToString());
        output.WriteLine(harness.Describe());

        Assert.Equal(definition.Kind, record.Kind);
        Assert.True(record.IsFinished);
        var incident = record.IncidentMicros!.Value / 1e6;
        var recovery = record.RecoveryMicros!.Value / 1e6;

        var unmatched = harness.Events.Where(e => e.Phase != EventPhase.Cleared).ToList();
        foreach (var expected in ExpectedFor(definition.Kind))
        {
            var anchor = expected.Anchor == Anchor.Incident ? incident : recovery;
            var matches = unmatched
                .Where(e => e.Type == expected.Type && e.TimeMicros / 1e6 >= anchor + expected.From - 1e-6 && e.TimeMicros / 1e6 <= anchor + expected.To + 1e-6)
                .ToList();
            Assert.True(
                matches.Count == 1,
                $"expected one {EventCatalogue.Get(expected.Type).Name} at {anchor + expected.From:0.000}..{anchor + expected.To:0.000} s, found {matches.Count}");
            if (expected.BetweenFloors is { } between)
            {
                Assert.Equal(between, matches[0].Detail.BetweenFloors);
            }

            unmatched.Remove(matches[0]);
        }

        var unexpected = unmatched.Where(e => DetectionHarness.IsGrade1Or2(in e)).ToList();
        Assert.True(unexpected.Count == 0, "unexpected grade 1-2 events: " + string.Join(", ", unexpected.Select(e => $"{e.Definition.Name}@{e.TimeMicros / 1e6:0.000}")));

        // Back in normal service: every raised event has cleared.
        var open = harness.Events
            .Where(e => e.Definition.HasDuration)
            .GroupBy(e => e.Type)
            .Where(g => g.Count(e => e.Phase == EventPhase.Raised) != g.Count(e => e.Phase == EventPhase.Cleared))
            .Select(g => g.Key)
            .ToList();
        Assert.Empty(open);
        var snapshot = harness.Lift.Snapshot;
        Assert.Equal(Core.Signals.LiftMode.Normal, snapshot.Mode);
        Assert.True(snapshot.Safety && snapshot.Link && snapshot.Mains && snapshot.Fault == 0);
    }
}
