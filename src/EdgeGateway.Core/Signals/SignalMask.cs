namespace EdgeGateway.Core.Signals;

/// <summary>
/// Which normalised signals a <see cref="LiftSample"/> carries. A trace line, a Modbus poll or a GPIO edge
/// sets only some signals; the rest keep their last value (edge-trace/1, "Sample lines").
/// </summary>
[Flags]
public enum SignalMask : uint
{
    None = 0,
    Mode = 1 << 0,
    Floor = 1 << 1,
    Dir = 1 << 2,
    Run = 1 << 3,
    Door = 1 << 4,
    Lock = 1 << 5,
    Safety = 1 << 6,
    Fault = 1 << 7,
    Speed = 1 << 8,
    Link = 1 << 9,
    Zone = 1 << 10,
    Occupied = 1 << 11,
    Alarm = 1 << 12,
    Mains = 1 << 13,
    Acc = 1 << 14,

    /// <summary>The signals a lift controller gives over Modbus; suspended while <see cref="Link"/> is false.</summary>
    Controller = Mode | Floor | Dir | Run | Door | Lock | Safety | Fault | Speed,

    /// <summary>The box's own digital inputs (GPIO).</summary>
    Inputs = Zone | Occupied | Alarm | Mains,

    AllDiscrete = Controller | Link | Inputs,
}
