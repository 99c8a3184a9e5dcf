using EdgeGateway.Core.Signals;
using EdgeGateway.Detection.Pipeline;

namespace EdgeGateway.Detection.Tracing;

/// <summary>What a replay did.</summary>
public sealed record ReplayResult(TraceHeader Header, long Samples, long Events, long LastTimeMicros);

/// <summary>
/// Runs a recorded edge-trace/1 through the production <see cref="DetectionEngine"/> (the profile from the trace
/// header, the given options) and writes the edge-events/1 log. Deterministic: no wall clock, no threads, fixed rule
/// order and number formats, so the same trace and options give byte-identical output. Holds still running when the
/// trace ends do not fire (the trace says nothing about what came after); raised events still active have no cleared line.
/// </summary>
public static class TraceReplay
{
    private const int BatchSize = 4096;

    /// <param name="stageFactory">Builds extra stages (trips, statistics) for this trace's lift; called once.</param>
    public static ReplayResult Run(
        Stream trace,
        Stream events,
        DetectionOptions options,
        Func<DetectionContext, IReadOnlyList<IDetectionStage>>? stageFactory = null)
    {
        using var reader = new TraceReader(trace, leaveOpen: true);
        var header = reader.Header;
        var profile = header.ToProfile();
        using var log = new EventLogWriter(events, originMicros: 0, leaveOpen: true);
        var stages = stageFactory?.Invoke(new DetectionContext(profile, options)) ?? [];
        var engine = new DetectionEngine(profile, options, log, stages);
        var batch = new LiftSample[BatchSize];
        int count;
        while ((count = reader.Read(batch)) > 0)
        {
            for (var i = 0; i < count; i++)
            {
                engine.Process(in batch[i]);
            }
        }

        log.Flush();
        return new ReplayResult(header, engine.SamplesProcessed, log.EventsWritten, engine.NowMicros == long.MinValue ? 0 : engine.NowMicros);
    }

    /// <summary>Replays from in-memory samples (benchmarks, simulator scenarios) into any sink.</summary>
    public static DetectionEngine Run(ReadOnlySpan<LiftSample> samples, Core.Lift.LiftProfile profile, DetectionOptions options, Core.Events.IEventSink sink)
    {
        var engine = new DetectionEngine(profile, options, sink);
        foreach (ref readonly var sample in samples)
        {
            engine.Process(in sample);
        }

        return engine;
    }
}
