namespace EdgeGateway.Simulation.Faults;

/// <summary>The faults the simulator can inject; wire names and defaults in <see cref="FaultCatalogue"/>.</summary>
public enum FaultKind
{
    /// <summary>The drive stops mid-shaft with a passenger; doors stay closed; the passenger later presses the alarm; rescue.</summary>
    Entrapment,

    /// <summary>The car arrives levelled with a passenger but the doors never open; released after the duration.</summary>
    ShutInAtFloor,

    /// <summary>An empty car stops short of the landing (outside the door zone); re-levels after the duration.</summary>
    StopOutsideDoorZone,

    /// <summary>The door stalls while opening; completes after the duration.</summary>
    DoorStuckOpening,

    /// <summary>The door stalls while closing; completes after the duration.</summary>
    DoorCannotClose,

    /// <summary>An obstruction reverses closing repeatedly before the door finally closes.</summary>
    DoorReversals,

    /// <summary>The controller reports the door opening (and the lock open) mid-run for the duration.</summary>
    DoorOpenWhileRunning,

    /// <summary>The door-lock contact bounces open mid-run for the duration.</summary>
    LockBounce,

    /// <summary>A downward runaway past rated speed until the governor trips the safety gear; rescue.</summary>
    Overspeed,

    /// <summary>The car runs past the top landing and stops outside the door zone; rescue.</summary>
    OverrunTop,

    /// <summary>The car runs past the bottom landing and stops outside the door zone; rescue.</summary>
    OverrunBottom,

    /// <summary>With the doors open at a floor, the brake slips and the car creeps away until the UCMP device stops it; rescue.</summary>
    UnintendedMovement,

    /// <summary>The controller reports a fault code at rest for the duration.</summary>
    ControllerFault,

    /// <summary>The safety circuit opens at rest for the duration.</summary>
    SafetyOpen,

    /// <summary>The controller stops answering on the bus for the duration.</summary>
    LinkLoss,

    /// <summary>The controller reports a floor outside the configured range for the duration.</summary>
    InvalidFloor,

    /// <summary>A passenger holds the alarm button during a trip.</summary>
    AlarmButton,

    /// <summary>Mains fails: the controller goes down with it while the box runs on its battery; restored after the duration.</summary>
    MainsLoss,

    /// <summary>A technician's visit: inspection mode with two slow moves, then back to normal.</summary>
    Inspection,

    /// <summary>Fire service: recall to the main floor, doors held open, then back to normal.</summary>
    FireService,
}
