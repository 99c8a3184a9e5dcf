using EdgeGateway.Core.Signals;

namespace EdgeGateway.Detection.Rules;

/// <summary>What the car is doing, as the brief defines it ("Normalised signals").</summary>
public enum Motion : byte
{
    /// <summary>Neither <c>run</c> nor <c>speed</c> is known: rules that need motion stay silent.</summary>
    Unknown = 0,
    Stopped,
    Moving,

    /// <summary><c>run</c> is unknown and the known speed is below the stopped threshold: not moving, yet not proven stopped.</summary>
    NotMoving,
}

/// <summary>
/// One evaluation instant for the rules: the time, the last known signals and what the brief derives from them.
/// Built once per sample (or per timer expiry) by the engine and passed by reference.
/// </summary>
public readonly ref struct RuleContext
{
    public RuleContext(long nowMicros, ref readonly LiftState state, Motion motion, bool controllerLive, int stoppedSpeedMmS)
    {
        NowMicros = nowMicros;
        _state = ref state;
        Motion = motion;
        ControllerLive = controllerLive;
        StoppedSpeedMmS = stoppedSpeedMmS;
    }

    private readonly ref readonly LiftState _state;

    public long NowMicros { get; }

    public ref readonly LiftState State => ref _state;

    public Motion Motion { get; }

    /// <summary>False while <c>link</c> is known to be false: controller data is stale and controller rules are suspended.</summary>
    public bool ControllerLive { get; }

    public int StoppedSpeedMmS { get; }

    public bool IsStopped => Motion == Motion.Stopped;

    public bool IsMoving => Motion == Motion.Moving;

    public bool Knows(SignalMask signals) => State.IsKnown(signals);

    public int AbsSpeed => Math.Abs(State.SpeedMmS);

    /// <summary>
    /// "Stopped" means run false and, where speed is known, abs(speed) below the threshold; "moving" means run true
    /// or abs(speed) at or above it (domain brief, "Normalised signals").
    /// </summary>
    public static Motion MotionOf(in LiftState state, int stoppedSpeedMmS)
    {
        var runKnown = state.IsKnown(SignalMask.Run);
        var speedKnown = state.IsKnown(SignalMask.Speed);
        var fast = speedKnown && Math.Abs(state.SpeedMmS) >= stoppedSpeedMmS;
        if ((runKnown && state.Run) || fast)
        {
            return Motion.Moving;
        }

        if (runKnown)
        {
            return Motion.Stopped;
        }

        return speedKnown ? Motion.NotMoving : Motion.Unknown;
    }
}
