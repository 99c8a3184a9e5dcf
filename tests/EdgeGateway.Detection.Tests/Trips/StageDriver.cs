using EdgeGateway.Core.Events;
using EdgeGateway.Core.Signals;
using EdgeGateway.Detection.Pipeline;

namespace EdgeGateway.Detection.Tests.Trips;

/// <summary>
/// Feeds samples to detection stages the way <c>DetectionEngine.Process</c> does (state applied first, then OnSample
/// with the changed mask; AdvanceTo only when time passes without a sample), so a stage can be tested on its own.
/// </summary>
internal sealed class StageDriver(params IDetectionStage[] stages)
{
    private LiftState _state;

    public LiftState State => _state;

    public void Feed(in LiftSample sample)
    {
        var changed = _state.Apply(sample);
        foreach (var stage in stages)
        {
            stage.OnSample(sample, _state, changed);
        }
    }

    public void Feed(IEnumerable<LiftSample> samples)
    {
        foreach (var s in samples)
        {
            Feed(s);
        }
    }

    public void Event(in LiftEvent e)
    {
        foreach (var stage in stages)
        {
            stage.OnEvent(e);
        }
    }

    public void AdvanceTo(long timeMicros)
    {
        foreach (var stage in stages)
        {
            stage.AdvanceTo(timeMicros, _state);
        }
    }
}

internal sealed class CollectingTripSink : EdgeGateway.Detection.Trips.ITripSink
{
    public List<EdgeGateway.Detection.Trips.TripRecord> Trips { get; } = new(64); // presized: the allocation test must see the stage, not the list

    public void OnTrip(in EdgeGateway.Detection.Trips.TripRecord trip) => Trips.Add(trip);
}
