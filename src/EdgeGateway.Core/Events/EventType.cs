namespace EdgeGateway.Core.Events;

/// <summary>The event catalogue v1 of the domain brief. Wire names and codes are in <see cref="EventCatalogue"/>.</summary>
public enum EventType : byte
{
    SafetyCircuitOpen,
    DoorCloseFailure,
    DoorOpenFailure,
    StoppedOutsideDoorZone,
    UnintendedMovement,
    FloorPositionLost,
    ControllerFault,
    Entrapment,
    DoorOpenWhileRunning,
    DoorLockCircuitOpen,
    Overspeed,
    EmergencyStop,
    PowerLoss,
    Inspection,
    ModeChange,
    AlarmButton,
    OverrunTop,
    OverrunBottom,
    LinkLost,
    SensorFault,

    /// <summary>The periodic test alarm of EN 81-28 (not a detection; sent by the uplink at least every 3 days).</summary>
    TestAlarm,
}

/// <summary>
/// Grade 1: people at risk, dispatch now (these are alarms). 2: out of service or unsafe, repair the same day.
/// 3: degradation or box health. Info: informational.
/// </summary>
public enum EventGrade : byte
{
    Info = 0,
    Grade1 = 1,
    Grade2 = 2,
    Grade3 = 3,
}

public enum EventPhase : byte
{
    Raised,
    Cleared,
    Instant,
}
