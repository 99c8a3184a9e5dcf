using EdgeGateway.Core.Events;
using EdgeGateway.Core.Signals;

namespace EdgeGateway.Detection.Rules;

/// <summary>
/// <c>door_close_failure</c> (2): the door closing continuously ≥ 15 s, or ≥ 5 closing→opening reversals within 60 s
/// without reaching closed (raised at the reversal that completes the count); cleared when the door is closed.
/// </summary>
public sealed class DoorCloseFailureRule : HeldConditionRule
{
    private readonly long _windowMicros;
    private readonly long[] _reversalTimes;
    private int _reversalCount;
    private DoorState _lastDoor;
    private bool _tooManyReversals;

    public DoorCloseFailureRule(EventEmitter emitter, DetectionOptions options)
        : base(EventType.DoorCloseFailure, emitter, SignalMask.Door, controllerDerived: true, options.DoorClosingSeconds, 0)
    {
        _windowMicros = Micros(options.DoorReversalWindowSeconds);
        _reversalTimes = new long[Math.Max(1, options.DoorReversalCount)];
    }

    protected override void OnResumed(in RuleContext context)
    {
        _lastDoor = context.State.Door;
        _reversalCount = 0;
    }

    protected override void Track(in RuleContext context)
    {
        var door = context.State.Door;
        _tooManyReversals = false;
        if (door == DoorState.Closed)
        {
            _reversalCount = 0;
        }
        else if (_lastDoor == DoorState.Closing && door == DoorState.Opening)
        {
            // The last N reversal times in a circular array: the oldest of them must lie within the window.
            var n = _reversalTimes.Length;
            _reversalTimes[_reversalCount % n] = context.NowMicros;
            _reversalCount++;
            if (_reversalCount >= n)
            {
                var oldest = _reversalTimes[_reversalCount % n];
                _tooManyReversals = context.NowMicros - oldest <= _windowMicros;
            }
        }

        _lastDoor = door;
    }

    protected override bool RaiseCondition(in RuleContext context) => context.State.Door == DoorState.Closing;

    protected override bool RaiseNow(in RuleContext context) => _tooManyReversals;

    protected override bool ClearCondition(in RuleContext context) => context.State.Door == DoorState.Closed;
}
