using EdgeGateway.Core.Lift;
using EdgeGateway.Core.Signals;

namespace EdgeGateway.Simulation;

/// <summary>What runs besides the configured <see cref="SimulationOptions.Faults"/>.</summary>
public enum SimulationScenario
{
    /// <summary>Normal traffic plus an entrapment with a passenger at <see cref="SimulationOptions.DemoEntrapmentAtSeconds"/>.</summary>
    Demo,

    /// <summary>Normal traffic and the configured faults only.</summary>
    Traffic,
}

/// <summary>
/// The simulated lift (configuration section <c>Simulation</c>). Floors and rated speed default to the gateway's
/// lift profile; everything else has the defaults of a typical 1.75 m/s passenger lift.
/// </summary>
public sealed class SimulationOptions
{
    public const string SectionName = "Simulation";

    /// <summary>Lowest floor as the controller numbers it; null = the lift profile's.</summary>
    public int? LowestFloor { get; set; }

    /// <summary>Highest floor as the controller numbers it; null = the lift profile's.</summary>
    public int? HighestFloor { get; set; }

    /// <summary>Rated speed in mm/s; null = the lift profile's.</summary>
    public int? RatedSpeedMmS { get; set; }

    /// <summary>The floor the car starts at and fire service recalls to; null = floor 1 when it exists, else the lowest.</summary>
    public int? MainFloor { get; set; }

    public int FloorHeightMm { get; set; } = 3000;

    /// <summary>Maximum acceleration of a trip (m/s²). 0.8 is a typical comfortable value for passenger lifts.</summary>
    public double AccelerationMs2 { get; set; } = 0.8;

    /// <summary>Maximum jerk of a trip (m/s³); passenger lifts keep it around 1–1.5.</summary>
    public double JerkMs3 { get; set; } = 1.2;

    /// <summary>Speed of inspection and re-levelling moves in mm/s (EN 81-20 5.12.1.5 caps inspection at 0.63 m/s).</summary>
    public int InspectionSpeedMmS { get; set; } = 300;

    public double DoorOpeningSeconds { get; set; } = 2.5;

    public double DoorOpenSeconds { get; set; } = 4.0;

    public double DoorClosingSeconds { get; set; } = 3.0;

    /// <summary>The door-zone sensor is active within ± this distance of a landing.</summary>
    public int DoorZoneHalfWidthMm { get; set; } = 75;

    /// <summary>How often the controller's signals are refreshed (its Modbus poll period as the box sees it).</summary>
    public int ControllerTickMillis { get; set; } = 100;

    /// <summary>Physics step of the simulation; the box inputs (zone, occupied, alarm, mains) change on this grid.</summary>
    public int StepMillis { get; set; } = 5;

    /// <summary>Passenger calls per hour (a Poisson process); 0 = no traffic.</summary>
    public double TrafficCallsPerHour { get; set; } = 40;

    /// <summary>
    /// Harmless alarm-button presses per hour in normal traffic: made at a floor with the doors open, which the
    /// alarm filter of the domain brief suppresses.
    /// </summary>
    public double AlarmPressesPerHour { get; set; } = 0.5;

    /// <summary>Accelerometer output rate in Hz; 0 = no accelerometer samples.</summary>
    public int AccelerometerHz { get; set; } = 200;

    /// <summary>Standard deviation of the accelerometer noise on each axis (m/s²).</summary>
    public double AccelerometerNoiseMs2 { get; set; } = 0.02;

    public long Seed { get; set; } = 1;

    /// <summary>
    /// The signals the simulator emits itself. Clear a signal when a bridge carries it instead (simulated GPIO inputs,
    /// a simulated Modbus slave): config syntax is the flag names, e.g. <c>"Zone, Occupied, Alarm, Mains, Acc"</c>.
    /// </summary>
    public SignalMask EmitSignals { get; set; } = SignalMask.AllDiscrete | SignalMask.Acc;

    public SimulationScenario Scenario { get; set; } = SimulationScenario.Demo;

    /// <summary>When the demo's passenger calls the car that will stick between floors (the car stops ~10 s later).</summary>
    public double DemoEntrapmentAtSeconds { get; set; } = 5;

    /// <summary>Scheduled faults, e.g. <c>[{ "Fault": "entrapment", "AtSeconds": 20 }]</c>; names in <see cref="EdgeGateway.Simulation.Faults.FaultCatalogue"/>.</summary>
    public List<FaultOptions> Faults { get; set; } = [];

    /// <summary>The lift profile the simulated building has: this section's floors and speed over <paramref name="profile"/>.</summary>
    public LiftProfile ResolveProfile(LiftProfile profile) =>
        profile with
        {
            LowestFloor = LowestFloor ?? profile.LowestFloor,
            HighestFloor = HighestFloor ?? profile.HighestFloor,
            RatedSpeedMmS = RatedSpeedMmS ?? profile.RatedSpeedMmS,
        };

    internal int ResolveMainFloor(LiftProfile building) =>
        MainFloor ?? (building.IsValidFloor(1) ? 1 : building.LowestFloor);
}

/// <summary>One scheduled fault. Unset fields take the fault's defaults (see <see cref="EdgeGateway.Simulation.Faults.FaultCatalogue"/>).</summary>
public sealed class FaultOptions
{
    /// <summary>The fault's name, e.g. <c>entrapment</c>.</summary>
    public string? Fault { get; set; }

    /// <summary>
    /// Seconds after the start at which the fault is due. New traffic stops when it is due; the fault starts as soon as
    /// the car is idle (faults that need a trip then call the car themselves), one fault at a time.
    /// </summary>
    public double AtSeconds { get; set; }

    /// <summary>How long the fault lasts before recovery (for entrapments: from the stop to the rescue).</summary>
    public double? DurationSeconds { get; set; }

    /// <summary>The floor the fault concerns: trip destination, recall floor, or the invalid value for <c>invalid_floor</c>.</summary>
    public int? Floor { get; set; }

    /// <summary>The controller fault code the fault reports (0 = none).</summary>
    public int? Code { get; set; }

    /// <summary>Whether a passenger rides into the fault (entrapments, overspeed, overruns).</summary>
    public bool? Passenger { get; set; }

    /// <summary>For <c>entrapment</c>: seconds after the stop at which the passenger presses the alarm button (negative: never).</summary>
    public double? AlarmAfterSeconds { get; set; }

    /// <summary>For <c>door_reversals</c>: how many times closing reverses.</summary>
    public int? Count { get; set; }
}
