using System.Threading.Channels;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Signals;
using EdgeGateway.Core.Time;
using EdgeGateway.Detection.HotLoop;
using EdgeGateway.Host.Hosting;
using EdgeGateway.Outbox;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Host.Pipeline;

/// <summary>
/// Hands detected events from the hot loop to the durable outbox. The hot loop only writes into a bounded in-memory
/// queue (no I/O, no waiting on fsync); a background task encodes each event and appends it, alarms (grade 1) on the
/// alarm stream. An append that fails (full disk) is retried until it succeeds: an accepted alarm is never dropped here.
/// </summary>
public sealed class OutboxEventSink : BackgroundService, IEventSink
{
    private const int QueueCapacity = 4096;
    private static readonly int[] RetryMs = [100, 500, 1_000, 5_000];
    private readonly Channel<LiftEvent> _queue = Channel.CreateBounded<LiftEvent>(
        new BoundedChannelOptions(QueueCapacity) { SingleReader = true, SingleWriter = false, FullMode = BoundedChannelFullMode.Wait });
    private readonly IOutbox _outbox;
    private readonly Func<LiftEvent, OutboxAppend> _toRecord;
    private readonly MonotonicClock _detectionClock;
    private readonly TimeProvider _time;
    private readonly ILogger<OutboxEventSink> _logger;
    private readonly LatencyHistogram _latency = new();
    private long _accepted;

    public OutboxEventSink(
        IOutbox outbox,
        Func<LiftEvent, OutboxAppend> toRecord,
        MonotonicClock detectionClock,
        TimeProvider time,
        ILogger<OutboxEventSink> logger)
    {
        _outbox = outbox;
        _toRecord = toRecord;
        _detectionClock = detectionClock;
        _time = time;
        _logger = logger;
    }

    /// <summary>Events accepted by the outbox since start.</summary>
    public long Accepted => Interlocked.Read(ref _accepted);

    /// <summary>Time from the rule firing (event time) to the outbox confirming the append durable.</summary>
    public LatencyHistogram Latency => _latency;

    public void OnEvent(in LiftEvent liftEvent)
    {
        var definition = liftEvent.Definition;
        if (definition.Grade is EventGrade.Grade1 or EventGrade.Grade2)
        {
            Log.EventRaised(_logger, definition.Name, PhaseName(liftEvent.Phase), liftEvent.Floor);
        }
        else
        {
            Log.EventInfo(_logger, definition.Name, PhaseName(liftEvent.Phase), liftEvent.Floor);
        }

        if (!_queue.Writer.TryWrite(liftEvent))
        {
            Log.EventQueueFull(_logger, definition.Name);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var liftEvent in _queue.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
        {
            await AppendWithRetryAsync(liftEvent, stoppingToken).ConfigureAwait(false);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // Whatever the hot loop handed over before stop is still appended: stop accepting, then drain.
        _queue.Writer.TryComplete();
        while (_queue.Reader.TryRead(out var pending))
        {
            await AppendWithRetryAsync(pending, cancellationToken).ConfigureAwait(false);
        }

        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task AppendWithRetryAsync(LiftEvent liftEvent, CancellationToken cancellationToken)
    {
        var definition = liftEvent.Definition;
        // Class (alarm for grade 1), stream, encoded body and the time stamps of the moment the rule fired.
        var append = _toRecord(liftEvent);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await _outbox.EnqueueAsync(append, cancellationToken).ConfigureAwait(false);
                Interlocked.Increment(ref _accepted);
                _latency.Record(_detectionClock.NowMicros - liftEvent.TimeMicros);
                return;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception ex) when (ex is IOException or OutboxFullException or InvalidOperationException)
            {
                var delay = RetryMs[Math.Min(attempt, RetryMs.Length - 1)];
                Log.EnqueueFailed(_logger, ex, definition.Name, delay);
                await Task.Delay(TimeSpan.FromMilliseconds(delay), _time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static string PhaseName(EventPhase phase) => phase switch
    {
        EventPhase.Raised => "raised",
        EventPhase.Cleared => "cleared",
        _ => "instant",
    };
}
