using EdgeGateway.Core.Events;
using EdgeGateway.Core.Signals;

namespace EdgeGateway.Detection.Rules;

/// <summary>
/// <c>sensor_fault</c> (61): raised when a source reports a problem with a sensor, cleared when it reports it healthy
/// again; detail names the sensor (and the problem). Repeated reports of the same state are ignored, so each sensor's
/// incident is reported once. Not a timed rule: sources decide what "stops answering" means.
/// </summary>
public sealed class SensorFaultTracker(EventEmitter emitter)
{
    private readonly List<string> _faulty = [];

    public IReadOnlyList<string> FaultySensors => _faulty;

    public void Report(long atMicros, in LiftState state, string sensor, string? problem)
    {
        var index = _faulty.IndexOf(sensor);
        if (problem is not null && index < 0)
        {
            _faulty.Add(sensor);
            emitter.Emit(EventType.SensorFault, EventPhase.Raised, atMicros, in state, new EventDetail(Sensor: sensor, Reason: problem));
        }
        else if (problem is null && index >= 0)
        {
            _faulty.RemoveAt(index);
            emitter.Emit(EventType.SensorFault, EventPhase.Cleared, atMicros, in state, new EventDetail(Sensor: sensor));
        }
    }
}
