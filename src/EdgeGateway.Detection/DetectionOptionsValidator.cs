using Microsoft.Extensions.Options;

namespace EdgeGateway.Detection;

/// <summary>
/// Checks every <see cref="DetectionOptions"/> value at start-up and reports all bad keys at once, each with its
/// configuration path (e.g. <c>Detection:EntrapmentSeconds</c>). No I/O.
/// </summary>
public sealed class DetectionOptionsValidator : IValidateOptions<DetectionOptions>
{
    public ValidateOptionsResult Validate(string? name, DetectionOptions options)
    {
        var failures = Collect(options);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Every problem, one message per bad key; empty when the options are valid.</summary>
    public static List<string> Collect(DetectionOptions o)
    {
        var failures = new List<string>();

        void Seconds(string key, double value, bool allowZero = true)
        {
            if (!double.IsFinite(value) || value < 0 || (!allowZero && value == 0) || value > 86_400)
            {
                failures.Add($"{DetectionOptions.SectionName}:{key} must be {(allowZero ? "between 0" : "more than 0 and at most")} and 86400 seconds (got {value}).");
            }
        }

        void AtLeast(string key, double value, double minimum, string unit)
        {
            if (!double.IsFinite(value) || value < minimum)
            {
                failures.Add($"{DetectionOptions.SectionName}:{key} must be at least {minimum} {unit} (got {value}).");
            }
        }

        AtLeast(nameof(o.StoppedSpeedMmS), o.StoppedSpeedMmS, 1, "mm/s");
        Seconds(nameof(o.SafetyCircuitOpenSeconds), o.SafetyCircuitOpenSeconds);
        Seconds(nameof(o.SafetyCircuitClosedSeconds), o.SafetyCircuitClosedSeconds);
        Seconds(nameof(o.DoorClosingSeconds), o.DoorClosingSeconds);
        AtLeast(nameof(o.DoorReversalCount), o.DoorReversalCount, 1, "reversals");
        Seconds(nameof(o.DoorReversalWindowSeconds), o.DoorReversalWindowSeconds, allowZero: false);
        Seconds(nameof(o.DoorOpeningSeconds), o.DoorOpeningSeconds);
        Seconds(nameof(o.OutsideDoorZoneSeconds), o.OutsideDoorZoneSeconds);
        AtLeast(nameof(o.UnintendedMovementSpeedMmS), o.UnintendedMovementSpeedMmS, 1, "mm/s");
        Seconds(nameof(o.UnintendedMovementSeconds), o.UnintendedMovementSeconds);
        Seconds(nameof(o.UnintendedMovementStoppedSeconds), o.UnintendedMovementStoppedSeconds);
        Seconds(nameof(o.FloorInvalidSeconds), o.FloorInvalidSeconds);
        AtLeast(nameof(o.FloorJumpFloors), o.FloorJumpFloors, 2, "floors");
        Seconds(nameof(o.FloorValidSeconds), o.FloorValidSeconds);
        Seconds(nameof(o.ControllerFaultSeconds), o.ControllerFaultSeconds);
        Seconds(nameof(o.EntrapmentSeconds), o.EntrapmentSeconds);
        Seconds(nameof(o.EntrapmentAlarmSeconds), o.EntrapmentAlarmSeconds);
        Seconds(nameof(o.EntrapmentVacatedSeconds), o.EntrapmentVacatedSeconds);
        Seconds(nameof(o.DoorOpenWhileRunningSeconds), o.DoorOpenWhileRunningSeconds);
        Seconds(nameof(o.LockOpenWhileRunningSeconds), o.LockOpenWhileRunningSeconds);
        AtLeast(nameof(o.RelevellingMaxSpeedMmS), o.RelevellingMaxSpeedMmS, 0, "mm/s");
        AtLeast(nameof(o.OverspeedFactor), o.OverspeedFactor, 1.0, "(times the rated speed)");
        Seconds(nameof(o.OverspeedSeconds), o.OverspeedSeconds);
        Seconds(nameof(o.OverspeedClearSeconds), o.OverspeedClearSeconds);
        AtLeast(nameof(o.EmergencyStopAccelerationMs2), o.EmergencyStopAccelerationMs2, 0.1, "m/s²");
        Seconds(nameof(o.EmergencyStopSeconds), o.EmergencyStopSeconds);
        AtLeast(nameof(o.EmergencyStopFilterHz), o.EmergencyStopFilterHz, 0.1, "Hz");
        AtLeast(nameof(o.GravityMs2), o.GravityMs2, 1, "m/s²");
        Seconds(nameof(o.EmergencyStopRearmSeconds), o.EmergencyStopRearmSeconds);
        Seconds(nameof(o.PowerLossSeconds), o.PowerLossSeconds);
        Seconds(nameof(o.PowerRestoredSeconds), o.PowerRestoredSeconds);
        Seconds(nameof(o.AlarmButtonSeconds), o.AlarmButtonSeconds);
        Seconds(nameof(o.OverrunSeconds), o.OverrunSeconds);
        Seconds(nameof(o.LinkLostSeconds), o.LinkLostSeconds);
        if (o.Enabled is null)
        {
            failures.Add($"{DetectionOptions.SectionName}:{nameof(o.Enabled)} must not be null.");
        }

        return failures;
    }
}
