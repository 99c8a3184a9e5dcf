using System.Runtime.CompilerServices;
using EdgeGateway.Core.Signals;
using EdgeGateway.Simulation.Lift;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Simulation.Faults;

/// <summary>
/// Schedules faults into a <see cref="SimulatedLift"/> and runs them one at a time. A fault is due at its time;
/// from then no new passengers arrive, and it starts as soon as the car is idle and empty. Each fault runs a
/// script that sets it up (calls the car, boards a passenger), makes it happen, and recovers (release, restore,
/// or a rescue in inspection mode) so the lift ends in normal service. <see cref="Records"/> tells when.
/// Driven by the lift's stepping thread; not thread-safe.
/// </summary>
public sealed class FaultInjector
{
    private readonly SimulatedLift _lift;
    private readonly ILogger _logger;
    private readonly List<Scheduled> _schedule = [];
    private readonly List<FaultRecord> _records = [];

    private ScriptStep[] _script = [];
    private int _stepIndex;
    private bool _stepEntered;
    private long _waitUntil;
    private double _driftFrom;
    private int _callFrom;
    private bool _driftBraking;
    private FaultRecord? _active;
    private int _nextScheduled;

    internal FaultInjector(SimulatedLift lift, ILogger logger)
    {
        _lift = lift;
        _logger = logger;
    }

    /// <summary>Every fault started so far, in order.</summary>
    public IReadOnlyList<FaultRecord> Records => _records;

    /// <summary>The fault running now, if any.</summary>
    public FaultRecord? Active => _active;

    /// <summary>Faults scheduled but not yet started.</summary>
    public int Pending => _schedule.Count - _nextScheduled;

    /// <summary>True while a fault is due or running: normal traffic pauses so the fault meets an idle car.</summary>
    internal bool SuspendsTraffic =>
        _active is not null || (_nextScheduled < _schedule.Count && _schedule[_nextScheduled].DueMicros <= _lift.SimulatedMicros);

    /// <summary>Schedules <paramref name="kind"/> at <paramref name="at"/> after the start of the simulation.</summary>
    /// <param name="options">Overrides of the fault's defaults (its <see cref="FaultOptions.Fault"/> and <see cref="FaultOptions.AtSeconds"/> are ignored).</param>
    public void Schedule(FaultKind kind, TimeSpan at, FaultOptions? options = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(at, TimeSpan.Zero);
        var definition = FaultCatalogue.Get(kind);
        var entry = new Scheduled(at.Ticks / 10, definition, FaultParameters.Resolve(definition, options));

        // Keep the not-yet-started part ordered by due time (stable for equal times).
        var index = _schedule.Count;
        while (index > _nextScheduled && _schedule[index - 1].DueMicros > entry.DueMicros)
        {
            index--;
        }

        _schedule.Insert(index, entry);
    }

    /// <summary>Makes <paramref name="kind"/> due now (it starts when the car is free).</summary>
    public void InjectNow(FaultKind kind, FaultOptions? options = null) =>
        Schedule(kind, TimeSpan.FromTicks(_lift.SimulatedMicros * 10), options);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void Tick()
    {
        if (_active is null)
        {
            if (_nextScheduled >= _schedule.Count || _schedule[_nextScheduled].DueMicros > _lift.SimulatedMicros || !_lift.IsIdleAndEmpty)
            {
                return;
            }

            Start(_schedule[_nextScheduled]);
            _nextScheduled++;
        }

        RunScript();
    }

    private void Start(in Scheduled entry)
    {
        var parameters = entry.Parameters;
        _script = FaultScripts.Build(entry.Definition.Kind, in parameters, _lift.NearestFloor(), _lift.Building, _lift.MainFloor);
        _stepIndex = 0;
        _stepEntered = false;
        _active = new FaultRecord(entry.Definition, _lift.TimeOriginMicros + entry.DueMicros, _lift.NowMicros, parameters.Passenger && UsesPassengerOption(entry.Definition.Kind));
        _records.Add(_active);
        Log.FaultStarted(_logger, entry.Definition.Name, _lift.Elapsed.TotalSeconds);
    }

    private static bool UsesPassengerOption(FaultKind kind) =>
        kind is FaultKind.Entrapment or FaultKind.Overspeed or FaultKind.OverrunTop or FaultKind.OverrunBottom
            or FaultKind.ShutInAtFloor or FaultKind.AlarmButton;

    private void RunScript()
    {
        while (_stepIndex < _script.Length)
        {
            var entering = !_stepEntered;
            _stepEntered = true;
            if (!Execute(in _script[_stepIndex], entering))
            {
                return;
            }

            _stepIndex++;
            _stepEntered = false;
        }

        var finished = _active!;
        finished.EndedMicros = _lift.NowMicros;
        _active = null;
        Log.FaultEnded(_logger, finished.Definition.Name, _lift.Elapsed.TotalSeconds);
    }

    /// <summary>Runs one script operation; true when it is complete.</summary>
    private bool Execute(in ScriptStep step, bool entering)
    {
        var lift = _lift;
        var now = lift.SimulatedMicros;
        switch (step.Op)
        {
            case ScriptOp.SendEmptyTo:
                if (entering && lift.NearestFloor() != step.Floor)
                {
                    lift.AddLandingCall(step.Floor);
                }

                return lift.IsIdleAndEmpty && lift.NearestFloor() == step.Floor;

            case ScriptOp.Arm:
                lift.Arm(step.Trigger, step.Value);
                return true;

            case ScriptOp.BoardFor:
                if (entering)
                {
                    lift.SpawnPassenger(lift.NearestFloor(), step.Floor);
                }

                return lift.IsTripUnderwayTo(step.Floor);

            case ScriptOp.CallFor:
                if (entering)
                {
                    _callFrom = lift.NearestFloor();
                    lift.AddLandingCall(step.Floor);
                }

                return step.Floor == _callFrom
                    ? lift.Door.State is DoorState.Opening or DoorState.Open
                    : lift.IsTripUnderwayTo(step.Floor);

            case ScriptOp.AwaitHaltIncident:
                if (lift.Phase != ControllerPhase.Halted)
                {
                    return false;
                }

                MarkIncident(lift.TimeOriginMicros + lift.HaltedAtMicros);
                return true;

            case ScriptOp.AwaitTriggerIncident:
                if (lift.TriggerFiredAtMicros < 0)
                {
                    return false;
                }

                MarkIncident(lift.TimeOriginMicros + lift.TriggerFiredAtMicros);
                return true;

            case ScriptOp.AwaitDoor:
                return lift.Door.State == step.Door;

            case ScriptOp.AwaitReversalsDone:
                return lift.Door.ReversalsRemaining == 0;

            case ScriptOp.AwaitIdle:
                return lift.IsIdleAndEmpty;

            case ScriptOp.MarkIncident:
                MarkIncident(lift.NowMicros);
                return true;

            case ScriptOp.MarkRecovery:
                _active!.RecoveryMicros = lift.NowMicros;
                Log.FaultRecovering(_logger, _active.Definition.Name, lift.Elapsed.TotalSeconds);
                return true;

            case ScriptOp.Wait:
                if (entering)
                {
                    _waitUntil = now + (long)(step.Value * 1e6);
                }

                return now >= _waitUntil;

            case ScriptOp.WaitAfterIncident:
                return _active!.IncidentMicros is { } incident && lift.NowMicros >= incident + (long)(step.Value * 1e6);

            case ScriptOp.SetFaultCode:
                lift.SetFaultCode((int)step.Value);
                return true;

            case ScriptOp.SetSafetyOpen:
                lift.SetSafetyOpen(step.Flag);
                return true;

            case ScriptOp.SetLinkDown:
                lift.SetLinkDown(step.Flag);
                return true;

            case ScriptOp.SetMainsDown:
                lift.SetMainsDown(step.Flag);
                return true;

            case ScriptOp.SetFloorOverride:
                lift.SetFloorOverride(step.Floor);
                return true;

            case ScriptOp.ClearFloorOverride:
                lift.SetFloorOverride(null);
                return true;

            case ScriptOp.SetMode:
                lift.SetMode(step.Mode);
                return true;

            case ScriptOp.PressAlarm:
                lift.PressAlarm(step.Value);
                return true;

            case ScriptOp.Halt:
                lift.Halt();
                return true;

            case ScriptOp.Resume:
                lift.Door.ClearFaults();
                lift.Resume();
                return true;

            case ScriptOp.DoorStallOpening:
                lift.Door.StallOpeningAt = step.Value;
                return true;

            case ScriptOp.DoorStallClosing:
                lift.Door.StallClosingAt = step.Value;
                return true;

            case ScriptOp.DoorReversals:
                lift.Door.ReversalsRemaining = (int)step.Value;
                return true;

            case ScriptOp.DoorRelease:
                lift.Door.ClearFaults();
                return true;

            case ScriptOp.OpenDoors:
                if (entering)
                {
                    lift.Door.Open();
                }

                return lift.Door.State == DoorState.Open;

            case ScriptOp.CloseDoors:
                if (entering)
                {
                    lift.Door.Close();
                }

                return lift.Door.State == DoorState.Closed;

            case ScriptOp.Evacuate:
                if (entering)
                {
                    _waitUntil = now + 800_000;
                }

                if (now < _waitUntil)
                {
                    return false;
                }

                if (lift.EvacuateOne())
                {
                    _waitUntil = now + 1_000_000;
                    return false;
                }

                return true;

            case ScriptOp.TravelTo:
            case ScriptOp.CreepToNearestLanding:
                if (entering)
                {
                    var floor = step.Op == ScriptOp.TravelTo ? step.Floor : lift.NearestFloor();
                    lift.CommandTrip(floor, creep: step.Op == ScriptOp.CreepToNearestLanding || step.Flag);
                }

                return lift.Phase == ControllerPhase.Halted && lift.IsStationary;

            case ScriptOp.Drift:
                if (entering)
                {
                    _driftFrom = lift.PositionMetres;
                    _driftBraking = false;
                    lift.StartDrift(step.Direction, 0.25);
                }

                if (!_driftBraking && Math.Abs(lift.PositionMetres - _driftFrom) >= step.Value)
                {
                    // The unintended car movement protection (EN 81-20 5.6.7) stops the car on its own brake.
                    _driftBraking = true;
                    lift.StopDrift(1.5);
                }

                return _driftBraking && lift.IsStationary;

            default:
                throw new InvalidOperationException($"Unknown script operation {step.Op}.");
        }
    }

    private void MarkIncident(long timeMicros)
    {
        _active!.IncidentMicros = timeMicros;
        _active.Floor = _lift.NearestFloor();
        Log.FaultIncident(_logger, _active.Definition.Name, timeMicros / 1e6, _active.Floor.Value);
    }

    private readonly record struct Scheduled(long DueMicros, FaultDefinition Definition, FaultParameters Parameters);
}
