using System.Runtime.InteropServices;

namespace EdgeGateway.Core.Signals;

/// <summary>
/// One observation of some normalised signals at one monotonic instant. This is the unit the hot loop,
/// the black-box ring, traces and replay all move: a fixed-size value, so a ring of them is one array
/// and pushing one allocates nothing. <see cref="Set"/> says which fields are meaningful; the others
/// are ignored and keep their last value in <see cref="LiftState"/>.
/// </summary>
/// <param name="TimeMicros">Monotonic time in microseconds (trace time t × 1000 in replay).</param>
[StructLayout(LayoutKind.Auto)]
public readonly record struct LiftSample(
    long TimeMicros,
    SignalMask Set,
    LiftMode Mode,
    int Floor,
    TravelDirection Dir,
    bool Run,
    DoorState Door,
    bool Lock,
    bool Safety,
    int Fault,
    int SpeedMmS,
    bool Link,
    bool Zone,
    bool Occupied,
    bool Alarm,
    bool Mains,
    float AccX,
    float AccY,
    float AccZ)
{
    /// <summary>An accelerometer sample (m/s², after calibration: z vertical, up positive).</summary>
    public static LiftSample Acceleration(long timeMicros, float x, float y, float z) =>
        new(timeMicros, SignalMask.Acc, default, 0, default, false, default, false, false, 0, 0, false, false, false, false, false, x, y, z);

    /// <summary>A sample that carries only what <paramref name="state"/> knows, stamped at <paramref name="timeMicros"/>.</summary>
    public static LiftSample From(long timeMicros, in LiftState state) =>
        new(timeMicros, state.Known & SignalMask.AllDiscrete, state.Mode, state.Floor, state.Dir, state.Run, state.Door, state.Lock,
            state.Safety, state.Fault, state.SpeedMmS, state.Link, state.Zone, state.Occupied, state.Alarm, state.Mains, 0, 0, 0);

    /// <summary>A sample that sets one boolean input (a GPIO edge or a controller bit).</summary>
    public static LiftSample Input(long timeMicros, SignalMask signal, bool value) => signal switch
    {
        SignalMask.Run => new(timeMicros, signal, default, 0, default, value, default, false, false, 0, 0, false, false, false, false, false, 0, 0, 0),
        SignalMask.Lock => new(timeMicros, signal, default, 0, default, false, default, value, false, 0, 0, false, false, false, false, false, 0, 0, 0),
        SignalMask.Safety => new(timeMicros, signal, default, 0, default, false, default, false, value, 0, 0, false, false, false, false, false, 0, 0, 0),
        SignalMask.Link => new(timeMicros, signal, default, 0, default, false, default, false, false, 0, 0, value, false, false, false, false, 0, 0, 0),
        SignalMask.Zone => new(timeMicros, signal, default, 0, default, false, default, false, false, 0, 0, false, value, false, false, false, 0, 0, 0),
        SignalMask.Occupied => new(timeMicros, signal, default, 0, default, false, default, false, false, 0, 0, false, false, value, false, false, 0, 0, 0),
        SignalMask.Alarm => new(timeMicros, signal, default, 0, default, false, default, false, false, 0, 0, false, false, false, value, false, 0, 0, 0),
        SignalMask.Mains => new(timeMicros, signal, default, 0, default, false, default, false, false, 0, 0, false, false, false, false, value, 0, 0, 0),
        _ => throw new ArgumentOutOfRangeException(nameof(signal), signal, "Input() takes exactly one boolean signal."),
    };

    public bool Has(SignalMask signal) => (Set & signal) == signal;
}
