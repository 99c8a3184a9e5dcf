using System.Threading.Channels;
using EdgeGateway.Detection.BlackBox;
using EdgeGateway.Detection.Kpi;
using EdgeGateway.Detection.Trips;
using EdgeGateway.Outbox;
using EdgeGateway.Uplink.Mqtt.Schema;
using Microsoft.Extensions.Logging;
using UplinkTrip = EdgeGateway.Uplink.Mqtt.Schema.TripRecord;

namespace EdgeGateway.Host.Pipeline;

/// <summary>
/// Carries what detection produces besides events (trips, black-box captures, daily KPI summaries) into the outbox.
/// The hot loop only writes into a bounded queue; encoding and the durable append happen on a background task.
/// </summary>
public sealed class OutboxForwarders : ITripSink, IBlackBoxSink, IKpiSummarySink
{
    private readonly Channel<Func<OutboxAppend?>> _queue = Channel.CreateBounded<Func<OutboxAppend?>>(
        new BoundedChannelOptions(1024) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });
    private readonly IOutbox _outbox;
    private readonly UplinkRecordFactory _records;
    private readonly ILogger _logger;
    private long _dropped;

    public OutboxForwarders(IOutbox outbox, UplinkRecordFactory records, ILogger logger)
    {
        _outbox = outbox;
        _records = records;
        _logger = logger;
    }

    public long Dropped => Interlocked.Read(ref _dropped);

    public void OnTrip(in EdgeGateway.Detection.Trips.TripRecord trip)
    {
        var record = ToUplink(trip);
        Offer(() => _records.ForTrip(record));
    }

    public void OnCapture(BlackBoxCapture capture) =>
        // The capture is announced on the events stream as a trace file; the platform fetches it with upload_blackbox.
        _logger.LogInformation("Black-box capture {Path} ({Bytes} bytes, {Samples} samples) is ready for upload_blackbox {Id}",
            capture.FilePath, capture.SizeBytes, capture.SampleCount, Path.GetFileName(capture.FilePath));

    public void OnDailySummary(KpiSummary summary) =>
        _logger.LogInformation("KPI summary {Summary}", summary);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await foreach (var make in _queue.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            if (make() is not { } append)
            {
                continue;
            }

            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    await _outbox.EnqueueAsync(append, cancellationToken).ConfigureAwait(false);
                    break;
                }
                catch (Exception ex) when (ex is IOException or OutboxFullException && attempt < 5)
                {
                    _logger.LogWarning(ex, "Could not queue {Stream} record; retrying", append.Stream);
                    await Task.Delay(TimeSpan.FromSeconds(1 << attempt), cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    private void Offer(Func<OutboxAppend?> make)
    {
        if (!_queue.Writer.TryWrite(make))
        {
            Interlocked.Increment(ref _dropped);
        }
    }

    public static UplinkTrip ToUplink(in EdgeGateway.Detection.Trips.TripRecord trip)
    {
        var quality = trip.RideQuality;
        return new UplinkTrip(
            trip.StartMicros,
            (int)Math.Min(int.MaxValue, trip.DurationMicros / 1000),
            trip.FromFloor ?? 0,
            trip.ToFloor ?? 0,
            trip.Direction,
            trip.MaxSpeedMmS ?? 0,
            trip.Levelled ?? false,
            quality?.MaxAccelerationMs2 ?? 0,
            quality?.MaxDecelerationMs2 ?? 0,
            quality?.MaxJerkMs3 ?? 0,
            quality?.VibrationMaxPeakToPeakMs2 ?? 0,
            quality?.VibrationA95Ms2 ?? 0);
    }
}
