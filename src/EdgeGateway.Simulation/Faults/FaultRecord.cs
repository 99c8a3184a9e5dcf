namespace EdgeGateway.Simulation.Faults;

/// <summary>
/// The history of one injected fault, in the samples' time base (microseconds). Tests and the console use it to
/// know when the fault really happened: a fault that needs a trip starts only when the car is free.
/// </summary>
public sealed class FaultRecord
{
    internal FaultRecord(FaultDefinition definition, long dueMicros, long startedMicros, bool passenger)
    {
        Definition = definition;
        DueMicros = dueMicros;
        StartedMicros = startedMicros;
        Passenger = passenger;
    }

    public FaultDefinition Definition { get; }

    public FaultKind Kind => Definition.Kind;

    /// <summary>When the fault was scheduled to happen.</summary>
    public long DueMicros { get; }

    /// <summary>When the injector took over (the car was free).</summary>
    public long StartedMicros { get; }

    /// <summary>Whether a passenger rode into the fault.</summary>
    public bool Passenger { get; }

    /// <summary>
    /// The moment the fault manifests: the car comes to rest (stops, entrapments, safety gear, overruns), the glitch or
    /// the press begins, the door starts the failing movement, or the override is applied.
    /// </summary>
    public long? IncidentMicros { get; internal set; }

    /// <summary>When recovery began (rescue, release, restore).</summary>
    public long? RecoveryMicros { get; internal set; }

    /// <summary>When the lift was back in normal service.</summary>
    public long? EndedMicros { get; internal set; }

    /// <summary>The floor the car was at when the fault manifested.</summary>
    public int? Floor { get; internal set; }

    public bool IsFinished => EndedMicros is not null;

    public override string ToString() =>
        $"{Definition.Name} due={DueMicros / 1e6:0.###}s started={StartedMicros / 1e6:0.###}s incident={IncidentMicros / 1e6:0.###}s " +
        $"recovery={RecoveryMicros / 1e6:0.###}s ended={EndedMicros / 1e6:0.###}s floor={Floor}";
}
