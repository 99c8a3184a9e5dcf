using System.Runtime.InteropServices;
using EdgeGateway.Core.Signals;

namespace EdgeGateway.Acquisition.Modbus.Maps;

/// <summary>
/// Collects decoded controller values for one <see cref="LiftSample"/>. A mutable struct kept by the poller, so
/// decoding a poll allocates nothing.
/// </summary>
[StructLayout(LayoutKind.Auto)]
public struct ControllerSampleBuilder
{
    public SignalMask Set;
    public LiftMode Mode;
    public int Floor;
    public TravelDirection Dir;
    public bool Run;
    public DoorState Door;
    public bool Lock;
    public bool Safety;
    public int Fault;
    public int SpeedMmS;
    public bool Link;
    public bool Zone;
    public bool Occupied;
    public bool Alarm;
    public bool Mains;

    public void Clear() => this = default;

    public readonly LiftSample ToSample(long timeMicros) =>
        new(timeMicros, Set, Mode, Floor, Dir, Run, Door, Lock, Safety, Fault, SpeedMmS, Link, Zone, Occupied, Alarm, Mains, 0, 0, 0);

    public void SetBoolean(SignalMask signal, bool value)
    {
        switch (signal)
        {
            case SignalMask.Run: Run = value; break;
            case SignalMask.Lock: Lock = value; break;
            case SignalMask.Safety: Safety = value; break;
            case SignalMask.Zone: Zone = value; break;
            case SignalMask.Occupied: Occupied = value; break;
            case SignalMask.Alarm: Alarm = value; break;
            case SignalMask.Mains: Mains = value; break;
            case SignalMask.Link: Link = value; break;
            default: return;
        }

        Set |= signal;
    }

    public void SetInteger(SignalMask signal, int value)
    {
        switch (signal)
        {
            case SignalMask.Floor: Floor = value; break;
            case SignalMask.Fault: Fault = value; break;
            case SignalMask.Speed: SpeedMmS = value; break;
            case SignalMask.Mode: Mode = (LiftMode)value; break;
            case SignalMask.Dir: Dir = (TravelDirection)value; break;
            case SignalMask.Door: Door = (DoorState)value; break;
            default: return;
        }

        Set |= signal;
    }
}
