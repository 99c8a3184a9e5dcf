using System.Runtime.InteropServices;
using EdgeGateway.Core.Signals;

namespace EdgeGateway.Simulation.Lift;

/// <summary>
/// The simulated lift's true state at one instant, for bridges that present it through another path (simulated GPIO
/// lines and accelerometer chips, a simulated Modbus slave) and for the console. Signal values are what the
/// controller and the box inputs would show right now, injected faults included (e.g. <see cref="Link"/> false means
/// the controller is not answering; a Modbus slave bridge should stop responding).
/// </summary>
/// <param name="TimeMicros">Sample time (monotonic microseconds) of this state.</param>
/// <param name="PositionMm">Car floor level above the lowest landing, in millimetres.</param>
/// <param name="CarAccelerationMs2">True vertical acceleration of the car (m/s², + up), without gravity or noise.</param>
/// <param name="ActiveFault">Wire name of the injected fault running now (see <c>FaultCatalogue</c>), or null.</param>
[StructLayout(LayoutKind.Auto)]
public readonly record struct LiftSnapshot(
    long TimeMicros,
    double PositionMm,
    int SpeedMmS,
    int Floor,
    TravelDirection Dir,
    bool Run,
    DoorState Door,
    bool Lock,
    bool Safety,
    int Fault,
    LiftMode Mode,
    bool Link,
    bool Zone,
    bool Occupied,
    bool Alarm,
    bool Mains,
    double CarAccelerationMs2,
    string? ActiveFault)
{
    /// <summary>Standard gravity as the domain brief writes it (acc.z ≈ +9.81 at rest).</summary>
    public const double Gravity = 9.81;

    /// <summary>What an ideal calibrated accelerometer's z axis reads: g plus the car's acceleration.</summary>
    public double VerticalAccelerationMs2 => Gravity + CarAccelerationMs2;
}
