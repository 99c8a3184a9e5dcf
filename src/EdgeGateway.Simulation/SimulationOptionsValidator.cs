using EdgeGateway.Core.Lift;
using EdgeGateway.Core.Signals;
using EdgeGateway.Simulation.Faults;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Simulation;

/// <summary>
/// Checks <see cref="SimulationOptions"/> at start-up and reports every problem at once, each with its
/// configuration key (e.g. <c>Simulation:Faults:0:Fault: unknown fault 'x'; known: ...</c>). No I/O.
/// </summary>
public sealed class SimulationOptionsValidator : IValidateOptions<SimulationOptions>
{
    private const string Section = SimulationOptions.SectionName;
    private readonly LiftProfile _profile;

    /// <param name="profile">The gateway's lift profile, which supplies floors and rated speed the section leaves out.</param>
    public SimulationOptionsValidator(LiftProfile? profile = null)
    {
        _profile = profile ?? LiftProfile.Default;
    }

    public ValidateOptionsResult Validate(string? name, SimulationOptions options)
    {
        var errors = new List<string>();
        void Fail(string key, string message) => errors.Add($"{Section}:{key}: {message}");

        var building = options.ResolveProfile(_profile);
        if (building.LowestFloor >= building.HighestFloor)
        {
            Fail(nameof(options.HighestFloor), $"must be above the lowest floor ({building.LowestFloor}); got {building.HighestFloor}");
        }
        else if (building.FloorCount > 200)
        {
            Fail(nameof(options.HighestFloor), $"at most 200 floors are simulated; got {building.FloorCount}");
        }

        if (building.RatedSpeedMmS is < 100 or > 10_000)
        {
            Fail(nameof(options.RatedSpeedMmS), $"must be 100..10000 mm/s; got {building.RatedSpeedMmS}");
        }

        Range(nameof(options.FloorHeightMm), options.FloorHeightMm, 2000, 20_000, "mm");
        Range(nameof(options.AccelerationMs2), options.AccelerationMs2, 0.1, 2.0, "m/s²");
        Range(nameof(options.JerkMs3), options.JerkMs3, 0.1, 10, "m/s³");
        Range(nameof(options.InspectionSpeedMmS), options.InspectionSpeedMmS, 50, 630, "mm/s");
        Range(nameof(options.DoorOpeningSeconds), options.DoorOpeningSeconds, 0.5, 30, "s");
        Range(nameof(options.DoorOpenSeconds), options.DoorOpenSeconds, 1, 300, "s");
        Range(nameof(options.DoorClosingSeconds), options.DoorClosingSeconds, 0.5, 30, "s");
        Range(nameof(options.DoorZoneHalfWidthMm), options.DoorZoneHalfWidthMm, 10, Math.Max(10, (options.FloorHeightMm / 2) - 400), "mm");
        Range(nameof(options.StepMillis), options.StepMillis, 1, 20, "ms");
        Range(nameof(options.ControllerTickMillis), options.ControllerTickMillis, 10, 2000, "ms");
        if (options.StepMillis > 0 && options.ControllerTickMillis % options.StepMillis != 0)
        {
            Fail(nameof(options.ControllerTickMillis), $"must be a multiple of StepMillis ({options.StepMillis}); got {options.ControllerTickMillis}");
        }

        Range(nameof(options.TrafficCallsPerHour), options.TrafficCallsPerHour, 0, 3600, "calls/h");
        Range(nameof(options.AlarmPressesPerHour), options.AlarmPressesPerHour, 0, 60, "presses/h");
        if (options.AccelerometerHz != 0 && options.AccelerometerHz is < 10 or > 4000)
        {
            Fail(nameof(options.AccelerometerHz), $"must be 0 (none) or 10..4000 Hz; got {options.AccelerometerHz}");
        }

        Range(nameof(options.AccelerometerNoiseMs2), options.AccelerometerNoiseMs2, 0, 2, "m/s²");
        if ((options.EmitSignals & ~(SignalMask.AllDiscrete | SignalMask.Acc)) != 0)
        {
            Fail(nameof(options.EmitSignals), $"unknown signal bits in {options.EmitSignals}");
        }

        if (options.MainFloor is { } main && !building.IsValidFloor(main))
        {
            Fail(nameof(options.MainFloor), $"must be a floor of the building ({building.LowestFloor}..{building.HighestFloor}); got {main}");
        }

        if (!Enum.IsDefined(options.Scenario))
        {
            Fail(nameof(options.Scenario), $"must be one of {string.Join(", ", Enum.GetNames<SimulationScenario>())}; got {options.Scenario}");
        }

        if (options.Scenario == SimulationScenario.Demo)
        {
            Range(nameof(options.DemoEntrapmentAtSeconds), options.DemoEntrapmentAtSeconds, 0, 1e7, "s");
        }

        var faults = options.Faults ?? [];
        for (var i = 0; i < faults.Count; i++)
        {
            ValidateFault($"Faults:{i}", faults[i], building, options, Fail);
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);

        void Range(string key, double value, double min, double max, string unit)
        {
            if (double.IsNaN(value) || value < min || value > max)
            {
                Fail(key, $"must be {min}..{max} {unit}; got {value}");
            }
        }
    }

    private static void ValidateFault(string key, FaultOptions? fault, LiftProfile building, SimulationOptions options, Action<string, string> fail)
    {
        if (fault is null)
        {
            fail(key, "empty fault entry");
            return;
        }

        if (!double.IsFinite(fault.AtSeconds) || fault.AtSeconds < 0)
        {
            fail($"{key}:AtSeconds", $"must be a time ≥ 0 s; got {fault.AtSeconds}");
        }

        if (fault.DurationSeconds is { } duration && (!double.IsFinite(duration) || duration <= 0 || duration > 86_400))
        {
            fail($"{key}:DurationSeconds", $"must be > 0 and at most 86400 s; got {duration}");
        }

        if (fault.Code is { } code && (code < 0 || code > 65_535))
        {
            fail($"{key}:Code", $"must be a register value 0..65535; got {code}");
        }

        if (fault.Count is { } count && (count < 1 || count > 100))
        {
            fail($"{key}:Count", $"must be 1..100; got {count}");
        }

        if (!FaultCatalogue.TryGet(fault.Fault, out var definition))
        {
            var given = fault.Fault is null ? "missing fault name" : $"unknown fault '{fault.Fault}'";
            fail($"{key}:Fault", $"{given}; known: {FaultCatalogue.KnownNames}");
            return;
        }

        if (fault.Floor is { } floor)
        {
            if (definition.Kind == FaultKind.InvalidFloor)
            {
                if (building.IsValidFloor(floor))
                {
                    fail($"{key}:Floor", $"invalid_floor needs a value outside {building.LowestFloor}..{building.HighestFloor}; got {floor}");
                }
            }
            else if (!building.IsValidFloor(floor))
            {
                fail($"{key}:Floor", $"must be a floor of the building ({building.LowestFloor}..{building.HighestFloor}); got {floor}");
            }
        }

        if (definition.Kind == FaultKind.Overspeed)
        {
            // Accelerating to rated, running away to the governor's tripping speed and stopping on the safety gear
            // takes roughly 5 m + 3 × rated speed (m); the run starts at the top and must finish above the bottom.
            var rated = building.RatedSpeedMmS / 1000.0;
            var needed = 5 + (3 * rated);
            var shaft = (building.FloorCount - 1) * options.FloorHeightMm / 1000.0;
            if (shaft < needed)
            {
                fail($"{key}:Fault", $"overspeed needs at least {needed:0.#} m of travel; this building has {shaft:0.#} m");
            }
        }
    }
}
