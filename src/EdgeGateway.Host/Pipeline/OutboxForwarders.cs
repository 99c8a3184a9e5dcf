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
    private readonly int _blackBoxChunkBytes;
    private long _dropped;

    /// <param name="blackBoxChunkBytes">Chunk size for black-box uploads (<c>Mqtt:BlackBoxChunkBytes</c>, the same as upload_black_box uses).</param>
    public OutboxForwarders(IOutbox outbox, UplinkRecordFactory records, ILogger logger, int blackBoxChunkBytes)
    {
        _outbox = outbox;
        _records = records;
        _logger = logger;
        _blackBoxChunkBytes = blackBoxChunkBytes;
    }

    public long Dropped => Interlocked.Read(ref _dropped);

    public void OnTrip(in EdgeGateway.Detection.Trips.TripRecord trip)
    {
        var record = ToUplink(trip);
        Offer(() => _records.ForTrip(record));
    }

    /// <summary>
    /// A written capture is queued for upload at once, in chunks on the blackbox stream (class Event: evicted only after
    /// all telemetry, never before alarms). The file stays on disk so the platform can ask for it again (upload_black_box).
    /// </summary>
    public void OnCapture(BlackBoxCapture capture)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(capture.FilePath);
        }
        catch (IOException ex)
        {
            _logger.LogError(ex, "Black-box capture {Path} could not be read for upload", capture.FilePath);
            return;
        }

        var id = Path.GetFileName(capture.FilePath);
        var count = Math.Max(1, (bytes.Length + _blackBoxChunkBytes - 1) / _blackBoxChunkBytes);
        for (var i = 0; i < count; i++)
        {
            var index = i;
            Offer(() =>
            {
                var start = index * _blackBoxChunkBytes;
                var payload = UplinkPayloads.EncodeBlackBoxChunk(id, index, count, bytes.AsSpan(start, Math.Min(_blackBoxChunkBytes, bytes.Length - start)), bytes.Length);
                var wall = _records.Wall;
                return new OutboxAppend(MessageClass.Event, UplinkStreams.BlackBox, _records.Monotonic.NowMicros, _records.BootId,
                    wall.UtcNow.ToUnixTimeMilliseconds(), wall.IsSynchronized, payload);
            });
        }

        _logger.LogInformation("Black-box capture {Id} ({Bytes} bytes) queued for upload in {Chunks} chunk(s)", id, bytes.Length, count);
    }

    public void OnDailySummary(KpiSummary summary) =>
        _logger.LogInformation("KPI summary {Summary}", summary);

    /// <summary>Appends queued records until cancelled, then appends what is still queued (a stop loses nothing handed over).</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var make in _queue.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                await AppendAsync(make, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            while (_queue.Reader.TryRead(out var make))
            {
                await AppendAsync(make, CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    private async Task AppendAsync(Func<OutboxAppend?> make, CancellationToken cancellationToken)
    {
        if (make() is not { } append)
        {
            return;
        }

        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await _outbox.EnqueueAsync(append, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (ex is IOException or OutboxFullException && attempt < 5)
            {
                _logger.LogWarning(ex, "Could not queue {Stream} record; retrying", append.Stream);
                await Task.Delay(TimeSpan.FromSeconds(1 << attempt), cancellationToken).ConfigureAwait(false);
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
