using System.Runtime.InteropServices;
using EdgeGateway.Core.Signals;
using EdgeGateway.Detection.RideQuality;

namespace EdgeGateway.Detection.Trips;

/// <summary>Whether a trip carried the car somewhere or only corrected its stopping position.</summary>
public enum TripKind : byte
{
    /// <summary>A run: the car travelled (counted in the run counter and the fault-rate denominator).</summary>
    Run,

    /// <summary>
    /// Re-levelling: started and ended levelled at the same floor, never faster than the re-levelling speed limit.
    /// Not counted as a run, so creeping corrections do not dilute the faults-per-10 000-runs KPI.
    /// </summary>
    Relevelling,
}

/// <summary>
/// One trip, from stopped to moving to stopped (domain brief, "Trips, statistics and the maintenance KPIs").
/// Times are monotonic microseconds, as every sample carries them.
/// </summary>
/// <param name="FromFloor">Floor when the car started moving, or null when no floor was known.</param>
/// <param name="ToFloor">Floor when it stopped, or null.</param>
/// <param name="Direction">Direction of travel (controller <c>dir</c>, else the floor change, else the sign of the speed).</param>
/// <param name="MaxSpeedMmS">Largest abs(speed), or null when the controller gives no speed.</param>
/// <param name="Levelled">Door zone active when it stopped, or null when no zone input is known.</param>
/// <param name="DistanceMm">Travelled distance: the speed integrated over time, or floors × floor height without speed.</param>
/// <param name="RideQuality">Ride quality, or null when no accelerometer sample arrived during the trip.</param>
[StructLayout(LayoutKind.Auto)]
public readonly record struct TripRecord(
    long StartMicros,
    long EndMicros,
    int? FromFloor,
    int? ToFloor,
    TravelDirection Direction,
    int? MaxSpeedMmS,
    bool? Levelled,
    TripKind Kind,
    LiftMode StartMode,
    LiftMode EndMode,
    long DistanceMm,
    RideQualityMetrics? RideQuality)
{
    public long DurationMicros => EndMicros - StartMicros;

    /// <summary>
    /// A completed normal trip: a run in normal mode from start to end that stopped levelled. The first one after an
    /// equipment fault ends a downtime episode.
    /// </summary>
    public bool IsCompletedNormalRun =>
        Kind == TripKind.Run && StartMode == LiftMode.Normal && EndMode == LiftMode.Normal && Levelled != false;
}

/// <summary>Receives completed trips. Called on the hot-loop thread: implementations must return quickly and not allocate.</summary>
public interface ITripSink
{
    void OnTrip(in TripRecord trip);
}
