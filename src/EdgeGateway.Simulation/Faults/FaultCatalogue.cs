namespace EdgeGateway.Simulation.Faults;

/// <summary>A fault's wire name (as configuration writes it) and the defaults an unset option takes.</summary>
/// <param name="DurationSeconds">Default duration before recovery (for rescues: from the stop to the technician's arrival).</param>
/// <param name="Code">Default controller fault code, 0 = none.</param>
/// <param name="Passenger">Default for <see cref="FaultOptions.Passenger"/>; null when the fault has no passenger choice.</param>
public sealed record FaultDefinition(FaultKind Kind, string Name, double DurationSeconds, int Code, bool? Passenger, string Description);

/// <summary>Every fault the simulator injects, in configuration syntax (<c>{ "Fault": "entrapment", "AtSeconds": 20 }</c>).</summary>
public static class FaultCatalogue
{
    // Codes are the simulated controller's own numbering (like every brand's), chosen to match the sample traces.
    private static readonly FaultDefinition[] Definitions =
    [
        new(FaultKind.Entrapment, "entrapment", 120, 21, true, "drive stops mid-shaft with a passenger, who presses the alarm later; rescue in inspection mode"),
        new(FaultKind.ShutInAtFloor, "shut_in_at_floor", 60, 0, null, "car arrives levelled with a passenger, doors never open until released"),
        new(FaultKind.StopOutsideDoorZone, "stop_outside_door_zone", 30, 0, null, "empty car stops 250 mm short of the landing, re-levels later"),
        new(FaultKind.DoorStuckOpening, "door_stuck_opening", 20, 0, null, "door stalls while opening"),
        new(FaultKind.DoorCannotClose, "door_cannot_close", 25, 0, null, "door stalls while closing"),
        new(FaultKind.DoorReversals, "door_reversals", 0, 0, null, "an obstruction reverses closing Count times (default 6)"),
        new(FaultKind.DoorOpenWhileRunning, "door_open_while_running", 1.2, 0, null, "door reported opening, lock open, mid-run"),
        new(FaultKind.LockBounce, "lock_bounce", 0.7, 0, null, "door-lock contact bounces open mid-run"),
        new(FaultKind.Overspeed, "overspeed", 300, 52, true, "downward runaway past rated speed, governor trips the safety gear; rescue"),
        new(FaultKind.OverrunTop, "overrun_top", 90, 44, true, "car runs 250 mm past the top landing; rescue"),
        new(FaultKind.OverrunBottom, "overrun_bottom", 90, 44, true, "car runs 250 mm past the bottom landing; rescue"),
        new(FaultKind.UnintendedMovement, "unintended_movement", 40, 60, null, "brake slips with the doors open, the UCMP device stops the car 400 mm away; rescue"),
        new(FaultKind.ControllerFault, "controller_fault", 15, 30, null, "controller reports a fault code at rest"),
        new(FaultKind.SafetyOpen, "safety_open", 8, 0, null, "safety circuit open at rest"),
        new(FaultKind.LinkLoss, "link_loss", 10, 0, null, "controller stops answering on the bus"),
        new(FaultKind.InvalidFloor, "invalid_floor", 6, 0, null, "controller reports floor 99 (or Floor) outside the range"),
        new(FaultKind.AlarmButton, "alarm_button", 2.5, 0, null, "a riding passenger holds the alarm button"),
        new(FaultKind.MainsLoss, "mains_loss", 60, 0, null, "mains fails, the controller with it; restored after the duration"),
        new(FaultKind.Inspection, "inspection", 60, 0, null, "technician visit in inspection mode with two slow moves"),
        new(FaultKind.FireService, "fire_service", 40, 0, null, "fire service recall to the main floor, doors held open"),
    ];

    public static IReadOnlyList<FaultDefinition> All => Definitions;

    public static FaultDefinition Get(FaultKind kind) => Definitions[(int)kind];

    /// <summary>Looks a fault up by its wire name (case-insensitive; '-' accepted for '_').</summary>
    public static bool TryGet(string? name, out FaultDefinition definition)
    {
        if (name is not null)
        {
            var normalised = name.Trim().Replace('-', '_');
            foreach (var d in Definitions)
            {
                if (string.Equals(d.Name, normalised, StringComparison.OrdinalIgnoreCase))
                {
                    definition = d;
                    return true;
                }
            }
        }

        definition = null!;
        return false;
    }

    /// <summary>The known names, comma-separated, for error messages.</summary>
    public static string KnownNames => string.Join(", ", Definitions.Select(d => d.Name));
}
