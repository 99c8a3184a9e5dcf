using EdgeGateway.Core.Lift;
using EdgeGateway.Core.Signals;
using EdgeGateway.Simulation.Lift;

namespace EdgeGateway.Simulation.Faults;

/// <summary>One operation of a fault script. Each completes at once or when its condition holds.</summary>
internal enum ScriptOp : byte
{
    /// <summary>Empty car to <see cref="ScriptStep.Floor"/>; done when it is idle there.</summary>
    SendEmptyTo,

    /// <summary>Arms <see cref="ScriptStep.Trigger"/> for the next trip with <see cref="ScriptStep.Value"/>.</summary>
    Arm,

    /// <summary>A passenger boards at the car's floor for <see cref="ScriptStep.Floor"/>; done when that trip starts.</summary>
    BoardFor,

    /// <summary>A landing call at <see cref="ScriptStep.Floor"/>; done when the trip starts (or the doors start opening, for the car's own floor).</summary>
    CallFor,

    /// <summary>Done when the controller has halted; the incident is the halt.</summary>
    AwaitHaltIncident,

    /// <summary>Done when the armed trigger has fired; the incident is that moment.</summary>
    AwaitTriggerIncident,
    AwaitDoor,
    AwaitReversalsDone,

    /// <summary>Done when the car is back in normal service, idle and empty; ends the fault.</summary>
    AwaitIdle,
    MarkIncident,
    MarkRecovery,
    Wait,

    /// <summary>Waits until <see cref="ScriptStep.Value"/> seconds after the incident.</summary>
    WaitAfterIncident,
    SetFaultCode,
    SetSafetyOpen,
    SetLinkDown,
    SetMainsDown,
    SetFloorOverride,
    ClearFloorOverride,
    SetMode,
    PressAlarm,
    Halt,
    Resume,
    DoorStallOpening,
    DoorStallClosing,
    DoorReversals,
    DoorRelease,
    OpenDoors,
    CloseDoors,
    Evacuate,

    /// <summary>Moves the halted car to <see cref="ScriptStep.Floor"/> (slowly when <see cref="ScriptStep.Flag"/>); done when it has stopped.</summary>
    TravelTo,

    /// <summary>Slow move of the halted car to the nearest landing.</summary>
    CreepToNearestLanding,

    /// <summary>Brake slip: drift in <see cref="ScriptStep.Direction"/> for <see cref="ScriptStep.Value"/> metres, then the UCMP stop; done at rest.</summary>
    Drift,
}

internal readonly record struct ScriptStep(
    ScriptOp Op,
    double Value = 0,
    int Floor = 0,
    bool Flag = false,
    TripTrigger Trigger = TripTrigger.None,
    DoorState Door = DoorState.Closed,
    LiftMode Mode = LiftMode.Normal,
    TravelDirection Direction = TravelDirection.None);

/// <summary>Builds each fault's script from its parameters and where the car is.</summary>
internal static class FaultScripts
{
    public static ScriptStep[] Build(FaultKind kind, in FaultParameters p, int current, LiftProfile building, int mainFloor)
    {
        var lowest = building.LowestFloor;
        var highest = building.HighestFloor;
        var near = p.Floor is { } f && f != current ? f : TwoFloorsAway(current, lowest, highest);
        var far = p.Floor is { } g && g != current ? g : (current - lowest >= highest - current ? lowest : highest);
        var steps = new List<ScriptStep>(24);
        switch (kind)
        {
            case FaultKind.Entrapment:
                steps.Add(new(ScriptOp.Arm, Trigger: TripTrigger.MidShaftStop));
                steps.Add(Ride(p.Passenger, near));
                steps.Add(new(ScriptOp.AwaitHaltIncident));
                steps.Add(new(ScriptOp.SetFaultCode, p.Code));
                if (p.AlarmAfterSeconds >= 0 && p.AlarmAfterSeconds < p.DurationSeconds)
                {
                    steps.Add(new(ScriptOp.WaitAfterIncident, p.AlarmAfterSeconds));
                    steps.Add(new(ScriptOp.PressAlarm, 3));
                }

                steps.Add(new(ScriptOp.WaitAfterIncident, p.DurationSeconds));
                AddRescue(steps);
                break;

            case FaultKind.ShutInAtFloor:
                steps.Add(new(ScriptOp.Arm, Trigger: TripTrigger.HaltOnArrival));
                steps.Add(Ride(passenger: true, near));
                steps.Add(new(ScriptOp.AwaitHaltIncident));
                steps.Add(new(ScriptOp.WaitAfterIncident, p.DurationSeconds));
                steps.Add(new(ScriptOp.MarkRecovery));
                steps.Add(new(ScriptOp.OpenDoors));
                steps.Add(new(ScriptOp.Evacuate));
                steps.Add(new(ScriptOp.Resume));
                steps.Add(new(ScriptOp.AwaitIdle));
                break;

            case FaultKind.StopOutsideDoorZone:
                steps.Add(new(ScriptOp.Arm, Trigger: TripTrigger.ShortStop));
                steps.Add(Ride(passenger: false, near));
                steps.Add(new(ScriptOp.AwaitHaltIncident));
                steps.Add(new(ScriptOp.WaitAfterIncident, p.DurationSeconds));
                steps.Add(new(ScriptOp.MarkRecovery));
                steps.Add(new(ScriptOp.CreepToNearestLanding));
                steps.Add(new(ScriptOp.Resume));
                steps.Add(new(ScriptOp.AwaitIdle));
                break;

            case FaultKind.DoorStuckOpening:
                steps.Add(new(ScriptOp.DoorStallOpening, 0.4));
                steps.Add(new(ScriptOp.CallFor, Floor: current));
                steps.Add(new(ScriptOp.MarkIncident));
                steps.Add(new(ScriptOp.WaitAfterIncident, p.DurationSeconds));
                steps.Add(new(ScriptOp.MarkRecovery));
                steps.Add(new(ScriptOp.DoorRelease));
                steps.Add(new(ScriptOp.AwaitIdle));
                break;

            case FaultKind.DoorCannotClose:
                steps.Add(new(ScriptOp.DoorStallClosing, 0.2));
                steps.Add(new(ScriptOp.CallFor, Floor: current));
                steps.Add(new(ScriptOp.AwaitDoor, Door: DoorState.Closing));
                steps.Add(new(ScriptOp.MarkIncident));
                steps.Add(new(ScriptOp.WaitAfterIncident, p.DurationSeconds));
                steps.Add(new(ScriptOp.MarkRecovery));
                steps.Add(new(ScriptOp.DoorRelease));
                steps.Add(new(ScriptOp.AwaitIdle));
                break;

            case FaultKind.DoorReversals:
                steps.Add(new(ScriptOp.DoorReversals, p.Count));
                steps.Add(new(ScriptOp.CallFor, Floor: current));
                steps.Add(new(ScriptOp.AwaitDoor, Door: DoorState.Closing));
                steps.Add(new(ScriptOp.MarkIncident));
                steps.Add(new(ScriptOp.AwaitReversalsDone));
                steps.Add(new(ScriptOp.MarkRecovery));
                steps.Add(new(ScriptOp.AwaitIdle));
                break;

            case FaultKind.DoorOpenWhileRunning:
            case FaultKind.LockBounce:
                steps.Add(new(ScriptOp.Arm, p.DurationSeconds, Trigger: kind == FaultKind.LockBounce ? TripTrigger.LockBounce : TripTrigger.DoorGlitch));
                steps.Add(Ride(passenger: false, far));
                steps.Add(new(ScriptOp.AwaitTriggerIncident));
                steps.Add(new(ScriptOp.WaitAfterIncident, p.DurationSeconds));
                steps.Add(new(ScriptOp.MarkRecovery));
                steps.Add(new(ScriptOp.AwaitIdle));
                break;

            case FaultKind.Overspeed:
                steps.Add(new(ScriptOp.SendEmptyTo, Floor: highest));
                steps.Add(new(ScriptOp.Arm, p.Code, Trigger: TripTrigger.Runaway));
                steps.Add(Ride(p.Passenger, lowest));
                steps.Add(new(ScriptOp.AwaitHaltIncident));
                steps.Add(new(ScriptOp.WaitAfterIncident, p.DurationSeconds));
                AddRescue(steps);
                break;

            case FaultKind.OverrunTop:
            case FaultKind.OverrunBottom:
                var top = kind == FaultKind.OverrunTop;
                var terminal = top ? highest : lowest;
                var approach = top ? Math.Max(lowest, highest - 3) : Math.Min(highest, lowest + 3);
                if (Math.Abs(current - terminal) < 2)
                {
                    steps.Add(new(ScriptOp.SendEmptyTo, Floor: approach));
                }

                steps.Add(new(ScriptOp.Arm, Trigger: TripTrigger.Overrun));
                steps.Add(Ride(p.Passenger, terminal));
                steps.Add(new(ScriptOp.AwaitHaltIncident));
                steps.Add(new(ScriptOp.SetFaultCode, p.Code));
                steps.Add(new(ScriptOp.WaitAfterIncident, p.DurationSeconds));
                AddRescue(steps);
                break;

            case FaultKind.UnintendedMovement:
                steps.Add(new(ScriptOp.CallFor, Floor: current));
                steps.Add(new(ScriptOp.AwaitDoor, Door: DoorState.Open));
                steps.Add(new(ScriptOp.Halt));
                steps.Add(new(ScriptOp.Wait, 1));
                steps.Add(new(ScriptOp.MarkIncident));
                steps.Add(new(ScriptOp.Drift, 0.4, Direction: current == lowest ? TravelDirection.Up : TravelDirection.Down));
                steps.Add(new(ScriptOp.SetFaultCode, p.Code));
                steps.Add(new(ScriptOp.WaitAfterIncident, p.DurationSeconds));
                AddRescue(steps);
                break;

            case FaultKind.ControllerFault:
                steps.Add(new(ScriptOp.Halt));
                steps.Add(new(ScriptOp.MarkIncident));
                steps.Add(new(ScriptOp.SetFaultCode, p.Code));
                steps.Add(new(ScriptOp.WaitAfterIncident, p.DurationSeconds));
                steps.Add(new(ScriptOp.MarkRecovery));
                steps.Add(new(ScriptOp.SetFaultCode, 0));
                steps.Add(new(ScriptOp.Resume));
                steps.Add(new(ScriptOp.AwaitIdle));
                break;

            case FaultKind.SafetyOpen:
                steps.Add(new(ScriptOp.Halt));
                steps.Add(new(ScriptOp.MarkIncident));
                steps.Add(new(ScriptOp.SetSafetyOpen, Flag: true));
                steps.Add(new(ScriptOp.WaitAfterIncident, p.DurationSeconds));
                steps.Add(new(ScriptOp.MarkRecovery));
                steps.Add(new(ScriptOp.SetSafetyOpen, Flag: false));
                steps.Add(new(ScriptOp.Wait, 1));
                steps.Add(new(ScriptOp.Resume));
                steps.Add(new(ScriptOp.AwaitIdle));
                break;

            case FaultKind.LinkLoss:
                steps.Add(new(ScriptOp.MarkIncident));
                steps.Add(new(ScriptOp.SetLinkDown, Flag: true));
                steps.Add(new(ScriptOp.WaitAfterIncident, p.DurationSeconds));
                steps.Add(new(ScriptOp.MarkRecovery));
                steps.Add(new(ScriptOp.SetLinkDown, Flag: false));
                steps.Add(new(ScriptOp.Wait, 1));
                steps.Add(new(ScriptOp.AwaitIdle));
                break;

            case FaultKind.InvalidFloor:
                steps.Add(new(ScriptOp.MarkIncident));
                steps.Add(new(ScriptOp.SetFloorOverride, Floor: p.Floor ?? 99));
                steps.Add(new(ScriptOp.WaitAfterIncident, p.DurationSeconds));
                steps.Add(new(ScriptOp.MarkRecovery));
                steps.Add(new(ScriptOp.ClearFloorOverride));
                steps.Add(new(ScriptOp.Wait, 3));
                steps.Add(new(ScriptOp.AwaitIdle));
                break;

            case FaultKind.AlarmButton:
                steps.Add(new(ScriptOp.Arm, p.DurationSeconds, Trigger: TripTrigger.AlarmPress));
                steps.Add(Ride(passenger: true, near));
                steps.Add(new(ScriptOp.AwaitTriggerIncident));
                steps.Add(new(ScriptOp.WaitAfterIncident, p.DurationSeconds));
                steps.Add(new(ScriptOp.MarkRecovery));
                steps.Add(new(ScriptOp.AwaitIdle));
                break;

            case FaultKind.MainsLoss:
                steps.Add(new(ScriptOp.Halt));
                steps.Add(new(ScriptOp.MarkIncident));
                steps.Add(new(ScriptOp.SetMainsDown, Flag: true));
                steps.Add(new(ScriptOp.SetLinkDown, Flag: true));
                steps.Add(new(ScriptOp.WaitAfterIncident, p.DurationSeconds));
                steps.Add(new(ScriptOp.MarkRecovery));
                steps.Add(new(ScriptOp.SetMainsDown, Flag: false));

                // The controller boots a few seconds after mains returns before it answers on the bus again.
                steps.Add(new(ScriptOp.Wait, 3));
                steps.Add(new(ScriptOp.SetLinkDown, Flag: false));
                steps.Add(new(ScriptOp.Wait, 2));
                steps.Add(new(ScriptOp.Resume));
                steps.Add(new(ScriptOp.AwaitIdle));
                break;

            case FaultKind.Inspection:
                var other = current < highest ? current + 1 : current - 1;
                steps.Add(new(ScriptOp.Halt));
                steps.Add(new(ScriptOp.MarkIncident));
                steps.Add(new(ScriptOp.SetMode, Mode: LiftMode.Inspection));
                steps.Add(new(ScriptOp.Wait, 5));
                steps.Add(new(ScriptOp.TravelTo, Floor: other, Flag: true));
                steps.Add(new(ScriptOp.Wait, 10));
                steps.Add(new(ScriptOp.TravelTo, Floor: current, Flag: true));
                steps.Add(new(ScriptOp.WaitAfterIncident, p.DurationSeconds));
                steps.Add(new(ScriptOp.MarkRecovery));
                steps.Add(new(ScriptOp.SetMode, Mode: LiftMode.Normal));
                steps.Add(new(ScriptOp.Resume));
                steps.Add(new(ScriptOp.AwaitIdle));
                break;

            case FaultKind.FireService:
                var recall = p.Floor ?? mainFloor;
                steps.Add(new(ScriptOp.Halt));
                steps.Add(new(ScriptOp.MarkIncident));
                steps.Add(new(ScriptOp.SetMode, Mode: LiftMode.Fire));
                if (recall != current)
                {
                    steps.Add(new(ScriptOp.TravelTo, Floor: recall, Flag: false));
                }

                steps.Add(new(ScriptOp.OpenDoors));
                steps.Add(new(ScriptOp.WaitAfterIncident, p.DurationSeconds));
                steps.Add(new(ScriptOp.MarkRecovery));
                steps.Add(new(ScriptOp.CloseDoors));
                steps.Add(new(ScriptOp.SetMode, Mode: LiftMode.Normal));
                steps.Add(new(ScriptOp.Resume));
                steps.Add(new(ScriptOp.AwaitIdle));
                break;

            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown fault.");
        }

        return [.. steps];
    }

    private static ScriptStep Ride(bool passenger, int destination) =>
        new(passenger ? ScriptOp.BoardFor : ScriptOp.CallFor, Floor: destination);

    /// <summary>
    /// The technician's rescue: inspection mode (which also resets the controller), close the doors, creep to the
    /// nearest landing, open, let everyone out, close, back to normal service.
    /// </summary>
    private static void AddRescue(List<ScriptStep> steps)
    {
        steps.Add(new(ScriptOp.MarkRecovery));
        steps.Add(new(ScriptOp.SetMode, Mode: LiftMode.Inspection));
        steps.Add(new(ScriptOp.SetFaultCode, 0));
        steps.Add(new(ScriptOp.SetSafetyOpen, Flag: false));
        steps.Add(new(ScriptOp.Wait, 5));
        steps.Add(new(ScriptOp.CloseDoors));
        steps.Add(new(ScriptOp.CreepToNearestLanding));
        steps.Add(new(ScriptOp.OpenDoors));
        steps.Add(new(ScriptOp.Evacuate));
        steps.Add(new(ScriptOp.Wait, 3));
        steps.Add(new(ScriptOp.CloseDoors));
        steps.Add(new(ScriptOp.Wait, 5));
        steps.Add(new(ScriptOp.SetMode, Mode: LiftMode.Normal));
        steps.Add(new(ScriptOp.Resume));
        steps.Add(new(ScriptOp.AwaitIdle));
    }

    private static int TwoFloorsAway(int current, int lowest, int highest)
    {
        if (current + 2 <= highest)
        {
            return current + 2;
        }

        if (current - 2 >= lowest)
        {
            return current - 2;
        }

        return current < highest ? highest : lowest;
    }
}

/// <summary>A fault's options with the catalogue's defaults filled in.</summary>
internal readonly record struct FaultParameters(double DurationSeconds, int Code, bool Passenger, int? Floor, double AlarmAfterSeconds, int Count)
{
    public static FaultParameters Resolve(FaultDefinition definition, FaultOptions? options) => new(
        options?.DurationSeconds ?? definition.DurationSeconds,
        options?.Code ?? definition.Code,
        options?.Passenger ?? definition.Passenger ?? true,
        options?.Floor,
        options?.AlarmAfterSeconds ?? 60,
        options?.Count ?? 6);
}
