using EdgeGateway.Outbox;

namespace EdgeGateway.Uplink.Mqtt.Alarms;

/// <summary>
/// Alarms waiting for the platform's acknowledgement (EN 81-28: "sent until acknowledged, retried at once on
/// failure"). The outbox keeps them durable; this keeps when each was last published and when it is due again.
/// Re-publication backs off exponentially (initial, doubled per attempt, capped) so a platform that is slow to
/// acknowledge is not flooded. Thread-safe: the drain loop publishes, the command task acknowledges.
/// </summary>
public sealed class AlarmTracker
{
    /// <summary>Acks for alarms the drain loop has not read yet (after a restart) are kept until it does.</summary>
    private const int MaxEarlyAcks = 4096;

    private readonly TimeSpan _initialDelay;
    private readonly TimeSpan _maxDelay;
    private readonly Lock _gate = new();
    private readonly Dictionary<long, PendingAlarm> _pending = [];
    private readonly HashSet<long> _earlyAcks = [];
    private readonly Queue<long> _earlyAckOrder = new();

    public AlarmTracker(TimeSpan initialDelay, TimeSpan maxDelay)
    {
        _initialDelay = initialDelay;
        _maxDelay = maxDelay;
    }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _pending.Count;
            }
        }
    }

    /// <summary>Starts tracking an alarm read from the outbox; it is due at once. False when already tracked or already acknowledged early.</summary>
    public TrackResult Track(OutboxMessage message, long nowMicros)
    {
        lock (_gate)
        {
            if (_earlyAcks.Remove(message.Id))
            {
                return TrackResult.AlreadyAcknowledged;
            }

            if (_pending.ContainsKey(message.Id))
            {
                return TrackResult.AlreadyTracked;
            }

            _pending.Add(message.Id, new PendingAlarm(message) { NextDueMicros = nowMicros });
            return TrackResult.Added;
        }
    }

    /// <summary>The alarms due for (re-)publication at <paramref name="nowMicros"/>, in id order.</summary>
    public List<PendingAlarm> TakeDue(long nowMicros)
    {
        var due = new List<PendingAlarm>();
        lock (_gate)
        {
            foreach (var alarm in _pending.Values)
            {
                if (alarm.NextDueMicros <= nowMicros)
                {
                    due.Add(alarm);
                }
            }
        }

        due.Sort(static (a, b) => a.Message.Id.CompareTo(b.Message.Id));
        return due;
    }

    /// <summary>Records a publication (PUBACK received) and schedules the next one.</summary>
    public void MarkPublished(long id, long nowMicros)
    {
        lock (_gate)
        {
            if (_pending.TryGetValue(id, out var alarm))
            {
                alarm.Attempts++;
                alarm.NextDueMicros = nowMicros + (long)DelayAfter(alarm.Attempts).TotalMicroseconds;
            }
        }
    }

    /// <summary>Re-publish everything at once, e.g. on a new broker session: the previous one may have lost them.</summary>
    public void MakeAllDue(long nowMicros)
    {
        lock (_gate)
        {
            foreach (var alarm in _pending.Values)
            {
                alarm.NextDueMicros = nowMicros;
            }
        }
    }

    public long? NextDueMicros
    {
        get
        {
            lock (_gate)
            {
                long? next = null;
                foreach (var alarm in _pending.Values)
                {
                    if (next is null || alarm.NextDueMicros < next)
                    {
                        next = alarm.NextDueMicros;
                    }
                }

                return next;
            }
        }
    }

    public bool IsPending(long id)
    {
        lock (_gate)
        {
            return _pending.ContainsKey(id);
        }
    }

    /// <summary>
    /// Stops re-publication of a tracked alarm. An id not tracked (not read yet after a restart, or already acknowledged)
    /// is remembered, in the same lock, so the drain loop removes it instead of publishing it when it gets there.
    /// </summary>
    public AckResult Acknowledge(long id)
    {
        lock (_gate)
        {
            if (_pending.Remove(id))
            {
                return AckResult.Acknowledged;
            }

            if (_earlyAcks.Add(id))
            {
                _earlyAckOrder.Enqueue(id);
                while (_earlyAckOrder.Count > MaxEarlyAcks)
                {
                    _earlyAcks.Remove(_earlyAckOrder.Dequeue());
                }
            }

            return AckResult.NotPending;
        }
    }

    /// <summary>The delay after the n-th publication: initial × 2^(n−1), capped.</summary>
    public TimeSpan DelayAfter(int attempts)
    {
        var exponent = Math.Clamp(attempts - 1, 0, 30);
        var ticks = Math.Min(_maxDelay.Ticks, _initialDelay.Ticks * (1L << Math.Min(exponent, 20)));
        return TimeSpan.FromTicks(Math.Max(ticks, _initialDelay.Ticks));
    }

    public sealed class PendingAlarm(OutboxMessage message)
    {
        public OutboxMessage Message { get; } = message;

        /// <summary>Publications acknowledged by the broker so far in this process.</summary>
        public int Attempts { get; set; }

        public long NextDueMicros { get; set; }
    }
}

public enum AckResult
{
    /// <summary>The alarm was pending and is no longer re-published.</summary>
    Acknowledged,

    /// <summary>Not pending in this process: already acknowledged, or not read from the outbox yet.</summary>
    NotPending,
}

public enum TrackResult
{
    Added,
    AlreadyTracked,
    AlreadyAcknowledged,
}
