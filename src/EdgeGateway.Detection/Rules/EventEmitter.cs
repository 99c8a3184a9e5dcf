using EdgeGateway.Core.Events;
using EdgeGateway.Core.Signals;
using EdgeGateway.Detection.Pipeline;

namespace EdgeGateway.Detection.Rules;

/// <summary>
/// Where rules hand their conclusions: stamps the last known floor, drops disabled event types, and passes the
/// event to the sink and then to every stage. One per engine; used on the engine's thread only.
/// </summary>
public sealed class EventEmitter
{
    private readonly IEventSink _sink;
    private readonly DetectionEventSwitches _enabled;
    private readonly bool[] _enabledByType;
    private IDetectionStage[] _stages = [];

    public EventEmitter(IEventSink sink, DetectionEventSwitches enabled)
    {
        _sink = sink;
        _enabled = enabled;
        _enabledByType = new bool[EventCatalogue.All.Count];
        for (var i = 0; i < _enabledByType.Length; i++)
        {
            _enabledByType[i] = _enabled.IsEnabled((EventType)i);
        }
    }

    /// <summary>Events emitted so far (enabled types only).</summary>
    public long Count { get; private set; }

    internal void SetStages(IDetectionStage[] stages) => _stages = stages;

    public bool IsEnabled(EventType type) => _enabledByType[(int)type];

    public void Emit(EventType type, EventPhase phase, long timeMicros, in LiftState state, in EventDetail detail)
    {
        if (!_enabledByType[(int)type])
        {
            return;
        }

        int? floor = state.IsKnown(SignalMask.Floor) ? state.Floor : null;
        var liftEvent = new LiftEvent(timeMicros, type, phase, floor, detail);
        Count++;
        _sink.OnEvent(in liftEvent);
        var stages = _stages;
        for (var i = 0; i < stages.Length; i++)
        {
            stages[i].OnEvent(in liftEvent);
        }
    }
}
