using EdgeGateway.Core.Events;

namespace EdgeGateway.Detection;

/// <summary>
/// Every timing and threshold of the event catalogue (domain brief, "Event catalogue (v1) and default rules"),
/// with the brief's defaults. Configuration section <see cref="SectionName"/>. Times are in seconds, speeds in mm/s,
/// accelerations in m/s².
/// </summary>
public sealed class DetectionOptions
{
    public const string SectionName = "Detection";

    /// <summary>"Stopped" means run false and abs(speed) below this; "moving" means run true or abs(speed) at or above it.</summary>
    public int StoppedSpeedMmS { get; set; } = 50;

    public double SafetyCircuitOpenSeconds { get; set; } = 0.5;
    public double SafetyCircuitClosedSeconds { get; set; } = 0.5;

    public double DoorClosingSeconds { get; set; } = 15;
    public int DoorReversalCount { get; set; } = 5;
    public double DoorReversalWindowSeconds { get; set; } = 60;

    public double DoorOpeningSeconds { get; set; } = 10;

    public double OutsideDoorZoneSeconds { get; set; } = 10;

    public int UnintendedMovementSpeedMmS { get; set; } = 150;
    public double UnintendedMovementSeconds { get; set; } = 0.2;
    public double UnintendedMovementStoppedSeconds { get; set; } = 5;

    public double FloorInvalidSeconds { get; set; } = 2;
    /// <summary>A floor change of at least this many floors in one update while moving means the position is lost.</summary>
    public int FloorJumpFloors { get; set; } = 2;
    public double FloorValidSeconds { get; set; } = 2;

    public double ControllerFaultSeconds { get; set; } = 1;

    public double EntrapmentSeconds { get; set; } = 30;
    public double EntrapmentAlarmSeconds { get; set; } = 1;
    public double EntrapmentVacatedSeconds { get; set; } = 10;

    public double DoorOpenWhileRunningSeconds { get; set; } = 0.3;
    public double LockOpenWhileRunningSeconds { get; set; } = 0.3;
    /// <summary>Re-levelling exception: zone true and abs(speed) at most this.</summary>
    public int RelevellingMaxSpeedMmS { get; set; } = 300;

    /// <summary>Overspeed when abs(speed) exceeds this factor times the rated speed.</summary>
    public double OverspeedFactor { get; set; } = 1.15;
    public double OverspeedSeconds { get; set; } = 0.5;
    /// <summary>Cleared once abs(speed) has been at most the rated speed this long.</summary>
    public double OverspeedClearSeconds { get; set; } = 1;

    public double EmergencyStopAccelerationMs2 { get; set; } = 2.5;
    public double EmergencyStopSeconds { get; set; } = 0.04;
    public double EmergencyStopFilterHz { get; set; } = 10;
    /// <summary>The z reading at rest after calibration (the brief: ≈ +9.81).</summary>
    public double GravityMs2 { get; set; } = 9.81;
    /// <summary>After an emergency stop, the filtered value must stay below the threshold this long before another one is reported (one event per incident).</summary>
    public double EmergencyStopRearmSeconds { get; set; } = 1;

    public double PowerLossSeconds { get; set; } = 1;
    public double PowerRestoredSeconds { get; set; } = 1;

    public double AlarmButtonSeconds { get; set; } = 1;

    public double OverrunSeconds { get; set; } = 2;

    public double LinkLostSeconds { get; set; } = 3;

    /// <summary>Per-event switches; every event is enabled by default.</summary>
    public DetectionEventSwitches Enabled { get; set; } = new();
}

/// <summary>One switch per event type of the catalogue (configuration keys <c>Detection:Enabled:&lt;Type&gt;</c>).</summary>
public sealed class DetectionEventSwitches
{
    public bool SafetyCircuitOpen { get; set; } = true;
    public bool DoorCloseFailure { get; set; } = true;
    public bool DoorOpenFailure { get; set; } = true;
    public bool StoppedOutsideDoorZone { get; set; } = true;
    public bool UnintendedMovement { get; set; } = true;
    public bool FloorPositionLost { get; set; } = true;
    public bool ControllerFault { get; set; } = true;
    public bool Entrapment { get; set; } = true;
    public bool DoorOpenWhileRunning { get; set; } = true;
    public bool DoorLockCircuitOpen { get; set; } = true;
    public bool Overspeed { get; set; } = true;
    public bool EmergencyStop { get; set; } = true;
    public bool PowerLoss { get; set; } = true;
    public bool Inspection { get; set; } = true;
    public bool ModeChange { get; set; } = true;
    public bool AlarmButton { get; set; } = true;
    public bool OverrunTop { get; set; } = true;
    public bool OverrunBottom { get; set; } = true;
    public bool LinkLost { get; set; } = true;
    public bool SensorFault { get; set; } = true;

    public bool IsEnabled(EventType type) => type switch
    {
        EventType.SafetyCircuitOpen => SafetyCircuitOpen,
        EventType.DoorCloseFailure => DoorCloseFailure,
        EventType.DoorOpenFailure => DoorOpenFailure,
        EventType.StoppedOutsideDoorZone => StoppedOutsideDoorZone,
        EventType.UnintendedMovement => UnintendedMovement,
        EventType.FloorPositionLost => FloorPositionLost,
        EventType.ControllerFault => ControllerFault,
        EventType.Entrapment => Entrapment,
        EventType.DoorOpenWhileRunning => DoorOpenWhileRunning,
        EventType.DoorLockCircuitOpen => DoorLockCircuitOpen,
        EventType.Overspeed => Overspeed,
        EventType.EmergencyStop => EmergencyStop,
        EventType.PowerLoss => PowerLoss,
        EventType.Inspection => Inspection,
        EventType.ModeChange => ModeChange,
        EventType.AlarmButton => AlarmButton,
        EventType.OverrunTop => OverrunTop,
        EventType.OverrunBottom => OverrunBottom,
        EventType.LinkLost => LinkLost,
        EventType.SensorFault => SensorFault,
        _ => true,
    };
}
