using EdgeGateway.Core.Events;

namespace EdgeGateway.Detection.Kpi;

/// <summary>How the rescuer's arrival at an entrapment was known.</summary>
public enum RescueArrival : byte
{
    /// <summary>No arrival was seen before the entrapment cleared (e.g. the passenger got out by themselves).</summary>
    None,

    /// <summary>The controller entered inspection mode (a technician is at the lift).</summary>
    Inspection,

    /// <summary>A technician check-in remote command.</summary>
    TechnicianCheckIn,
}

/// <summary>Runs and equipment faults of one local day.</summary>
public sealed record KpiDay(DateOnly Day, long Runs, long EquipmentFaults);

/// <summary>
/// An equipment fault that stopped service, until the first completed normal trip. Durations come from the monotonic
/// clock when the episode began and ended in the same run of the service, otherwise from wall times when both are known.
/// </summary>
/// <param name="Cause">Wire name of the fault that started it.</param>
public sealed record DowntimeEpisode(DateTimeOffset? Start, DateTimeOffset? End, double? DurationSeconds, string Cause);

/// <summary>Entrapment raised → rescuer arrives → entrapment cleared.</summary>
/// <param name="ArrivalSeconds">From the alarm to the arrival, or null without a known arrival.</param>
/// <param name="ReleaseSeconds">From the alarm to the entrapment being cleared.</param>
public sealed record RescueEpisode(DateTimeOffset? Start, DateTimeOffset? End, double? ArrivalSeconds, double? ReleaseSeconds, RescueArrival ArrivedBy);

/// <summary>An episode that has started and not ended (persisted so it survives a restart).</summary>
public sealed record OpenEpisode(DateTimeOffset? Start, EventType Cause, DateTimeOffset? Arrival, RescueArrival ArrivedBy);

/// <summary>
/// The daily KPI summary over the rolling window ending with <see cref="Day"/> (domain brief, "Trips, statistics and
/// the maintenance KPIs"). Means are null when there is nothing to average.
/// </summary>
public sealed record KpiSummary(
    DateOnly Day,
    int WindowDays,
    long Runs,
    long EquipmentFaults,
    double? FaultsPer10000Runs,
    int DowntimeEpisodes,
    double? MeanDowntimeSeconds,
    double? MaxDowntimeSeconds,
    bool DowntimeOpen,
    int RescueEpisodes,
    double? MeanRescueArrivalSeconds,
    double? MaxRescueArrivalSeconds,
    double? MeanRescueReleaseSeconds,
    bool RescueOpen,
    long RunsOnDay,
    long EquipmentFaultsOnDay);

/// <summary>Receives the daily summary (e.g. to queue it for the uplink). Called from the KPI background task.</summary>
public interface IKpiSummarySink
{
    void OnDailySummary(KpiSummary summary);
}

/// <summary>Everything the KPI tracker persists.</summary>
public sealed record KpiHistorySnapshot(
    IReadOnlyList<KpiDay> Days,
    long UndatedRuns,
    long UndatedFaults,
    IReadOnlyList<DowntimeEpisode> Downtime,
    IReadOnlyList<RescueEpisode> Rescues,
    OpenEpisode? OpenDowntime,
    OpenEpisode? OpenRescue,
    DateOnly? LastReportedDay)
{
    public static readonly KpiHistorySnapshot Empty = new([], 0, 0, [], [], null, null, null);
}
