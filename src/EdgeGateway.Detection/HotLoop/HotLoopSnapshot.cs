using EdgeGateway.Core.Events;
using EdgeGateway.Core.Signals;

namespace EdgeGateway.Detection.HotLoop;

/// <summary>Latency percentiles in microseconds.</summary>
public sealed record LatencySummary(long Count, long P50Micros, long P99Micros, long P999Micros, long MaxMicros)
{
    internal static LatencySummary Of(LatencyHistogram h) =>
        new(h.Count, h.Percentile(50), h.Percentile(99), h.Percentile(99.9), h.MaxMicros);
}

/// <summary>A consistent copy of the hot loop's state for the console and status reports (taken under a lock).</summary>
/// <param name="SampleLatency">Sample time stamp → sample applied by the engine.</param>
/// <param name="EventLatency">Time the rule fired (the satisfying sample, or the end of the hold) → event returned from the sink.</param>
public sealed record HotLoopSnapshot(
    LiftState State,
    long SamplesProcessed,
    long SamplesDropped,
    long QueueDepth,
    long EventsRaised,
    long Faults,
    IReadOnlyList<LiftEvent> RecentEvents,
    IReadOnlyList<LiftEvent> ActiveEvents,
    LatencySummary SampleLatency,
    LatencySummary EventLatency);
