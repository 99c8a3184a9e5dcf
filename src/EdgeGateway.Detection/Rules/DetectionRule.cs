using EdgeGateway.Core.Events;
using EdgeGateway.Core.Signals;

namespace EdgeGateway.Detection.Rules;

/// <summary>
/// One rule of the event catalogue. The engine calls <see cref="Evaluate"/> when signals change and again at
/// <see cref="NextDeadline"/>, so hold times end exactly on time without a sample. Evaluating twice at the same
/// instant with the same state must change nothing (rules are idempotent per instant).
/// </summary>
public abstract class DetectionRule
{
    private readonly EventEmitter _emitter;
    private bool _suspended = true;

    protected DetectionRule(EventEmitter emitter, SignalMask requires, bool controllerDerived)
    {
        _emitter = emitter;
        Requires = requires;
        ControllerDerived = controllerDerived;
    }

    /// <summary>Signals that must be known for the rule to say anything (a signal never set keeps the rule silent).</summary>
    public SignalMask Requires { get; }

    /// <summary>True when the rule reads controller signals: it is suspended while <c>link</c> is false (stale data must not raise faults).</summary>
    public bool ControllerDerived { get; }

    /// <summary>Monotonic µs at which a hold timer of this rule ends, or <see cref="long.MaxValue"/>.</summary>
    public abstract long NextDeadline { get; }

    public void Evaluate(in RuleContext context)
    {
        if ((ControllerDerived && !context.ControllerLive) || !context.Knows(Requires))
        {
            if (!_suspended)
            {
                _suspended = true;
                OnSuspended();
            }

            return;
        }

        if (_suspended)
        {
            _suspended = false;
            OnResumed(in context);
        }

        Run(in context);
    }

    protected abstract void Run(in RuleContext context);

    /// <summary>The rule stopped watching (link down or a signal unknown): drop running holds; active events stay active.</summary>
    protected abstract void OnSuspended();

    /// <summary>The rule watches again (or for the first time): seed transition memory from the current values.</summary>
    protected virtual void OnResumed(in RuleContext context)
    {
    }

    protected void Emit(EventType type, EventPhase phase, long atMicros, in RuleContext context, in EventDetail detail = default) =>
        _emitter.Emit(type, phase, atMicros, in context.State, in detail);

    /// <summary>Re-levelling exception of the brief: zone true and abs(speed) at most the re-levelling speed (speed unknown: zone alone).</summary>
    protected static bool IsRelevelling(in RuleContext context, int maxSpeedMmS) =>
        context.Knows(SignalMask.Zone) && context.State.Zone &&
        (!context.Knows(SignalMask.Speed) || context.AbsSpeed <= maxSpeedMmS);

    protected static long Micros(double seconds) => (long)Math.Round(seconds * 1_000_000.0);
}

/// <summary>
/// The common shape of most catalogue rows: raised when a condition has held for a hold time (or at once on a
/// transition), cleared when a clearing condition has held for its own hold time (zero: at once). Reported once
/// per incident: after raising, only the clearing condition is watched.
/// </summary>
public abstract class HeldConditionRule : DetectionRule
{
    private readonly EventType _type;
    private HoldTimer _raise;
    private HoldTimer _clear;

    protected HeldConditionRule(EventType type, EventEmitter emitter, SignalMask requires, bool controllerDerived, double raiseSeconds, double clearSeconds)
        : base(emitter, requires, controllerDerived)
    {
        _type = type;
        _raise = new HoldTimer(Micros(raiseSeconds));
        _clear = new HoldTimer(Micros(clearSeconds));
    }

    public bool Active { get; private set; }

    public override long NextDeadline => Active ? _clear.Deadline : _raise.Deadline;

    /// <summary>Must hold for the raise time.</summary>
    protected abstract bool RaiseCondition(in RuleContext context);

    /// <summary>Must hold for the clear time.</summary>
    protected abstract bool ClearCondition(in RuleContext context);

    /// <summary>Updates transition memory; called first at every evaluation.</summary>
    protected virtual void Track(in RuleContext context)
    {
    }

    /// <summary>A transition that raises at once (e.g. zone true→false); valid only during the evaluation that saw it.</summary>
    protected virtual bool RaiseNow(in RuleContext context) => false;

    protected virtual EventDetail RaiseDetail(in RuleContext context) => default;

    /// <summary>Restarts the clearing hold (e.g. a new inconsistency while active).</summary>
    protected void RestartClearHold() => _clear.Reset();

    protected sealed override void Run(in RuleContext context)
    {
        Track(in context);
        var now = context.NowMicros;
        if (!Active)
        {
            var held = _raise.Check(RaiseCondition(in context), now, out var at);
            if (!held)
            {
                if (!RaiseNow(in context))
                {
                    return;
                }

                at = now;
            }

            Active = true;
            _clear.Reset();
            Emit(_type, EventPhase.Raised, at, in context, RaiseDetail(in context));
        }

        if (_clear.Check(ClearCondition(in context), now, out var clearedAt))
        {
            Active = false;
            _raise.Reset();
            Emit(_type, EventPhase.Cleared, clearedAt, in context);
            _raise.Update(RaiseCondition(in context), now);
        }
    }

    protected override void OnSuspended()
    {
        _raise.Reset();
        _clear.Reset();
    }
}
