using EdgeGateway.Detection.BlackBox;
using EdgeGateway.Uplink.Mqtt.Commands;

namespace EdgeGateway.Host.Pipeline;

/// <summary>
/// What remote commands may do to the running pipeline: a technician's check-in (the arrival that ends the wait of a
/// rescue episode) and reading a black-box capture for upload. Capture ids are bare file names the box itself created;
/// anything else (a path, "..", another suffix) is treated as unknown, so a command cannot read other files.
/// </summary>
public sealed class PipelineCommandHandlers(GatewayPipeline pipeline) : ITechnicianCheckIn, IBlackBoxStore
{
    public void CheckIn(string technicianId, string? note, long monotonicMicros) =>
        pipeline.Kpi?.TechnicianCheckIn(monotonicMicros);

    public async ValueTask<ReadOnlyMemory<byte>?> ReadCaptureAsync(string captureId, CancellationToken cancellationToken)
    {
        if (!IsCaptureName(captureId))
        {
            return null;
        }

        var path = Path.Combine(pipeline.BlackBoxDirectory, captureId);
        if (!File.Exists(path))
        {
            return null;
        }

        return await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
    }

    public static bool IsCaptureName(string captureId) =>
        captureId.Length is > 0 and < 200
        && captureId.StartsWith(BlackBoxService.FilePrefix, StringComparison.Ordinal)
        && captureId.EndsWith(BlackBoxService.FileSuffix, StringComparison.Ordinal)
        && captureId.IndexOfAny(['/', '\\', '\0']) < 0
        && !captureId.Contains("..", StringComparison.Ordinal);
}
