using EdgeGateway.Core.Signals;

namespace EdgeGateway.Detection.Tests.Support;

/// <summary>Builds samples the way trace lines read: a time in ms and only the signals that change.</summary>
public readonly record struct Samples(LiftSample Sample)
{
    public static Samples At(double ms) => new(new LiftSample((long)Math.Round(ms * 1000), SignalMask.None,
        default, 0, default, false, default, false, false, 0, 0, false, false, false, false, false, 0, 0, 0));

    /// <summary>A car at rest at <paramref name="floor"/>, levelled, doors closed, healthy, empty: every signal set.</summary>
    public static Samples Idle(double ms, int floor = 3) => At(ms).Mode(LiftMode.Normal).Floor(floor).Dir(TravelDirection.None).Run(false)
        .Door(DoorState.Closed).Lock(true).Safety(true).Fault(0).Speed(0).Link(true).Zone(true).Occupied(false).Alarm(false).Mains(true);

    public Samples Mode(LiftMode v) => new(Sample with { Set = Sample.Set | SignalMask.Mode, Mode = v });
    public Samples Floor(int v) => new(Sample with { Set = Sample.Set | SignalMask.Floor, Floor = v });
    public Samples Dir(TravelDirection v) => new(Sample with { Set = Sample.Set | SignalMask.Dir, Dir = v });
    public Samples Run(bool v) => new(Sample with { Set = Sample.Set | SignalMask.Run, Run = v });
    public Samples Door(DoorState v) => new(Sample with { Set = Sample.Set | SignalMask.Door, Door = v });
    public Samples Lock(bool v) => new(Sample with { Set = Sample.Set | SignalMask.Lock, Lock = v });
    public Samples Safety(bool v) => new(Sample with { Set = Sample.Set | SignalMask.Safety, Safety = v });
    public Samples Fault(int v) => new(Sample with { Set = Sample.Set | SignalMask.Fault, Fault = v });
    public Samples Speed(int v) => new(Sample with { Set = Sample.Set | SignalMask.Speed, SpeedMmS = v });
    public Samples Link(bool v) => new(Sample with { Set = Sample.Set | SignalMask.Link, Link = v });
    public Samples Zone(bool v) => new(Sample with { Set = Sample.Set | SignalMask.Zone, Zone = v });
    public Samples Occupied(bool v) => new(Sample with { Set = Sample.Set | SignalMask.Occupied, Occupied = v });
    public Samples Alarm(bool v) => new(Sample with { Set = Sample.Set | SignalMask.Alarm, Alarm = v });
    public Samples Mains(bool v) => new(Sample with { Set = Sample.Set | SignalMask.Mains, Mains = v });
    public Samples Acc(float z) => new(Sample with { Set = Sample.Set | SignalMask.Acc, AccX = 0, AccY = 0, AccZ = z });

    public static implicit operator LiftSample(Samples s) => s.Sample;
}
