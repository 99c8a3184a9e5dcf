using EdgeGateway.Core.Events;
using EdgeGateway.Core.Lift;
using EdgeGateway.Core.Signals;
using EdgeGateway.Detection.Pipeline;
using EdgeGateway.Detection.Tracing;

namespace EdgeGateway.Host.Pipeline;

/// <summary>
/// <c>edgegw record</c>: writes every sample the hot loop processes as an edge-trace/1 file and, optionally, the events
/// the live run concluded as edge-events/1, both relative to the same t = 0, so a replay of the trace can be compared
/// with the live run. Runs on the hot-loop thread through large buffered streams (a recording is a bench tool).
/// </summary>
public sealed class RecordingStage : IDetectionStage, IDisposable
{
    private readonly FileStream _traceFile;
    private readonly TraceWriter _trace;
    private readonly FileStream? _eventsFile;
    private readonly EventLogWriter? _events;
    private long _lastMicros;

    public RecordingStage(string tracePath, string? eventsPath, LiftProfile profile, int accelHz, DateTimeOffset? wallStart, long originMicros)
    {
        _traceFile = new FileStream(tracePath, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16);
        _trace = new TraceWriter(_traceFile, TraceHeader.From(profile, accelHz, wallStart), originMicros, leaveOpen: true);
        if (eventsPath is not null)
        {
            _eventsFile = new FileStream(eventsPath, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 14);
            _events = new EventLogWriter(_eventsFile, originMicros, leaveOpen: true);
        }

        _lastMicros = originMicros;
    }

    public long SamplesWritten => _trace.SamplesWritten;

    public void OnSample(in LiftSample sample, in LiftState state, SignalMask changed)
    {
        // Sources on different threads may stamp a sample a little before one already written; edge-trace/1 needs
        // t never decreasing, so such a sample is written at the time already reached.
        if (sample.TimeMicros < _lastMicros)
        {
            _trace.Write(sample with { TimeMicros = _lastMicros });
            return;
        }

        _lastMicros = sample.TimeMicros;
        _trace.Write(sample);
    }

    public void AdvanceTo(long timeMicros, in LiftState state)
    {
    }

    public void OnEvent(in LiftEvent liftEvent) => _events?.Write(liftEvent);

    public void Dispose()
    {
        _trace.Dispose();
        _traceFile.Dispose();
        _events?.Dispose();
        _eventsFile?.Dispose();
    }
}
