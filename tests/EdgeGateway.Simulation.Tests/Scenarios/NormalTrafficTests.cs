using EdgeGateway.Core.Events;
using Xunit.Abstractions;

namespace EdgeGateway.Simulation.Tests.Scenarios;

/// <summary>The box must never cry wolf: a simulated week of everyday traffic raises no grade 1–2 event.</summary>
public class NormalTrafficTests(ITestOutputHelper output)
{
    [Fact]
    public void A_simulated_week_of_traffic_raises_no_grade_1_or_2_event()
    {
        var harness = new DetectionHarness(new SimulationOptions
        {
            Scenario = SimulationScenario.Traffic,
            TrafficCallsPerHour = 60,
            AlarmPressesPerHour = 1,
            // The accelerometer at a low rate keeps the emergency-stop rule exercised while the week runs in seconds.
            AccelerometerHz = 10,
            Seed = 2026,
        });

        harness.RunFor(TimeSpan.FromDays(7));

        output.WriteLine($"{harness.Samples} samples, {harness.Events.Count} events");
        output.WriteLine(harness.Describe());
        Assert.True(harness.Samples > 7 * 86_400 * 10);
        var serious = harness.Events.Where(e => DetectionHarness.IsGrade1Or2(in e)).ToList();
        Assert.Empty(serious);
    }

    [Fact]
    public void An_hour_at_200_Hz_with_busy_traffic_raises_no_grade_1_or_2_event()
    {
        var harness = new DetectionHarness(new SimulationOptions
        {
            Scenario = SimulationScenario.Traffic,
            TrafficCallsPerHour = 300,
            AlarmPressesPerHour = 6,
            AccelerometerHz = 200,
            Seed = 99,
        });

        harness.RunFor(TimeSpan.FromHours(1));

        output.WriteLine(harness.Describe());
        Assert.DoesNotContain(harness.Events, e => DetectionHarness.IsGrade1Or2(in e) && e.Type != EventType.TestAlarm);
    }
}
