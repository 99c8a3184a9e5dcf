namespace EdgeGateway.Core.Events;

/// <param name="Name">The stable wire name (<c>type</c> in edge-events/1).</param>
/// <param name="Code">GB/T 24476 numbering where one exists, local platform numbering otherwise.</param>
/// <param name="HasDuration">True for raised/cleared events, false for instant ones.</param>
public sealed record EventDefinition(EventType Type, string Name, int Code, EventGrade Grade, bool HasDuration)
{
    /// <summary>Grade-1 events are alarms (domain brief, "Alarm delivery").</summary>
    public bool IsAlarm => Grade == EventGrade.Grade1;
}

/// <summary>The event catalogue v1, one row per <see cref="EventType"/>, as the domain brief's table gives it.</summary>
public static class EventCatalogue
{
    private static readonly EventDefinition[] Definitions =
    [
        new(EventType.SafetyCircuitOpen, "safety_circuit_open", 1, EventGrade.Grade2, true),
        new(EventType.DoorCloseFailure, "door_close_failure", 2, EventGrade.Grade2, true),
        new(EventType.DoorOpenFailure, "door_open_failure", 3, EventGrade.Grade2, true),
        new(EventType.StoppedOutsideDoorZone, "stopped_outside_door_zone", 4, EventGrade.Grade2, true),
        new(EventType.UnintendedMovement, "unintended_movement", 5, EventGrade.Grade1, true),
        new(EventType.FloorPositionLost, "floor_position_lost", 7, EventGrade.Grade2, true),
        new(EventType.ControllerFault, "controller_fault", 8, EventGrade.Grade2, true),
        new(EventType.Entrapment, "entrapment", 11, EventGrade.Grade1, true),
        new(EventType.DoorOpenWhileRunning, "door_open_while_running", 12, EventGrade.Grade1, true),
        new(EventType.DoorLockCircuitOpen, "door_lock_circuit_open", 13, EventGrade.Grade1, true),
        new(EventType.Overspeed, "overspeed", 14, EventGrade.Grade1, true),
        new(EventType.EmergencyStop, "emergency_stop", 15, EventGrade.Grade2, false),
        new(EventType.PowerLoss, "power_loss", 41, EventGrade.Grade2, true),
        new(EventType.Inspection, "inspection", 43, EventGrade.Info, true),
        new(EventType.ModeChange, "mode_change", 40, EventGrade.Info, false),
        new(EventType.AlarmButton, "alarm_button", 90, EventGrade.Grade1, false),
        new(EventType.OverrunTop, "overrun_top", 92, EventGrade.Grade1, true),
        new(EventType.OverrunBottom, "overrun_bottom", 91, EventGrade.Grade1, true),
        new(EventType.LinkLost, "link_lost", 60, EventGrade.Grade3, true),
        new(EventType.SensorFault, "sensor_fault", 61, EventGrade.Grade3, true),
        // Not in the brief's catalogue: the EN 81-28 periodic test alarm travels the alarm path, so it needs a grade-1 row.
        new(EventType.TestAlarm, "test_alarm", 99, EventGrade.Grade1, false),
    ];

    public static IReadOnlyList<EventDefinition> All => Definitions;

    public static EventDefinition Get(EventType type) => Definitions[(int)type];

    public static bool TryGet(string name, out EventDefinition definition)
    {
        foreach (var d in Definitions)
        {
            if (d.Name == name)
            {
                definition = d;
                return true;
            }
        }

        definition = null!;
        return false;
    }

    /// <summary>"info" or the grade number, as edge-events/1 writes <c>grade</c>.</summary>
    public static string GradeName(EventGrade grade) => grade switch
    {
        EventGrade.Grade1 => "1",
        EventGrade.Grade2 => "2",
        EventGrade.Grade3 => "3",
        _ => "info",
    };
}
