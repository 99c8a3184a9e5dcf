using EdgeGateway.Core.Events;

namespace EdgeGateway.Detection.BlackBox;

/// <summary>One black-box capture written to disk as an edge-trace/1 file.</summary>
/// <param name="FilePath">The capture file (may later be deleted by the disk cap; upload it soon).</param>
/// <param name="StartMicros">Monotonic time of the trace's t = 0.</param>
/// <param name="EndMicros">Monotonic time the capture ended.</param>
/// <param name="WallStart">Wall time of t = 0 (the header's <c>start</c>), or null when the clock was not synchronised.</param>
/// <param name="Events">The grade 1–2 events the capture covers (the first one triggered it).</param>
public sealed record BlackBoxCapture(
    string FilePath,
    long SizeBytes,
    int SampleCount,
    long StartMicros,
    long EndMicros,
    DateTimeOffset? WallStart,
    IReadOnlyList<LiftEvent> Events);

/// <summary>Receives written captures (e.g. to queue them for upload). Called on the black box's background task.</summary>
public interface IBlackBoxSink
{
    void OnCapture(BlackBoxCapture capture);
}
