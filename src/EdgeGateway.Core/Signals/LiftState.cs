using System.Runtime.InteropServices;

namespace EdgeGateway.Core.Signals;

/// <summary>
/// The last known value of every normalised signal, built by applying samples in time order.
/// A mutable struct on purpose: the hot loop keeps exactly one and updates it in place.
/// </summary>
[StructLayout(LayoutKind.Auto)]
public struct LiftState
{
    /// <summary>Signals that have been set at least once; a signal never set is unknown and rules that need it stay silent.</summary>
    public SignalMask Known;
    public long TimeMicros;
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
    public float AccX;
    public float AccY;
    public float AccZ;

    public readonly bool IsKnown(SignalMask signals) => (Known & signals) == signals;

    /// <summary>Returns the signals whose value this sample changed (a first value counts as a change).</summary>
    public SignalMask Apply(in LiftSample s)
    {
        var set = s.Set;
        var changed = set & ~Known;
        TimeMicros = s.TimeMicros;
        if (set == SignalMask.Acc)
        {
            AccX = s.AccX; AccY = s.AccY; AccZ = s.AccZ;
            Known |= SignalMask.Acc;
            return SignalMask.Acc;
        }

        if ((set & SignalMask.Mode) != 0 && Mode != s.Mode) { changed |= SignalMask.Mode; Mode = s.Mode; }
        if ((set & SignalMask.Floor) != 0 && Floor != s.Floor) { changed |= SignalMask.Floor; Floor = s.Floor; }
        if ((set & SignalMask.Dir) != 0 && Dir != s.Dir) { changed |= SignalMask.Dir; Dir = s.Dir; }
        if ((set & SignalMask.Run) != 0 && Run != s.Run) { changed |= SignalMask.Run; Run = s.Run; }
        if ((set & SignalMask.Door) != 0 && Door != s.Door) { changed |= SignalMask.Door; Door = s.Door; }
        if ((set & SignalMask.Lock) != 0 && Lock != s.Lock) { changed |= SignalMask.Lock; Lock = s.Lock; }
        if ((set & SignalMask.Safety) != 0 && Safety != s.Safety) { changed |= SignalMask.Safety; Safety = s.Safety; }
        if ((set & SignalMask.Fault) != 0 && Fault != s.Fault) { changed |= SignalMask.Fault; Fault = s.Fault; }
        if ((set & SignalMask.Speed) != 0 && SpeedMmS != s.SpeedMmS) { changed |= SignalMask.Speed; SpeedMmS = s.SpeedMmS; }
        if ((set & SignalMask.Link) != 0 && Link != s.Link) { changed |= SignalMask.Link; Link = s.Link; }
        if ((set & SignalMask.Zone) != 0 && Zone != s.Zone) { changed |= SignalMask.Zone; Zone = s.Zone; }
        if ((set & SignalMask.Occupied) != 0 && Occupied != s.Occupied) { changed |= SignalMask.Occupied; Occupied = s.Occupied; }
        if ((set & SignalMask.Alarm) != 0 && Alarm != s.Alarm) { changed |= SignalMask.Alarm; Alarm = s.Alarm; }
        if ((set & SignalMask.Mains) != 0 && Mains != s.Mains) { changed |= SignalMask.Mains; Mains = s.Mains; }
        if ((set & SignalMask.Acc) != 0) { AccX = s.AccX; AccY = s.AccY; AccZ = s.AccZ; changed |= SignalMask.Acc; }
        Known |= set;
        return changed;
    }
}
