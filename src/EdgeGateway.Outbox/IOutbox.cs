namespace EdgeGateway.Outbox;

/// <summary>
/// What a message is, for eviction and delivery: under the byte cap telemetry goes first (oldest first),
/// then events; alarms are never evicted (domain brief, "Alarm delivery").
/// </summary>
public enum MessageClass : byte
{
    Telemetry = 0,
    Event = 1,
    Alarm = 2,
}

/// <summary>
/// A message the box has accepted. <see cref="Id"/> is the per-box monotonic message id: strictly increasing
/// across restarts, never reused, so the cloud can de-duplicate exactly.
/// </summary>
/// <param name="Stream">Ordering key (e.g. "alarms", "events", "telemetry"): delivery is in id order within a stream.</param>
/// <param name="MonotonicMicros">Monotonic time the record was taken (see <c>MonotonicClock</c>).</param>
/// <param name="BootId">Identifies the boot the monotonic time belongs to (monotonic time restarts at boot).</param>
/// <param name="WallUnixMillis">Wall time when taken, as the clock said then.</param>
/// <param name="WallSynchronized">False when the wall clock was not yet synchronised: the uplink corrects the wall time
/// from the monotonic time once it is (same boot only) and keeps the mark otherwise.</param>
public sealed record OutboxMessage(
    long Id,
    MessageClass Class,
    string Stream,
    long MonotonicMicros,
    Guid BootId,
    long WallUnixMillis,
    bool WallSynchronized,
    ReadOnlyMemory<byte> Payload);

/// <summary>What a caller hands to <see cref="IOutbox.EnqueueAsync"/>; the outbox assigns the id.</summary>
public readonly record struct OutboxAppend(
    MessageClass Class,
    string Stream,
    long MonotonicMicros,
    Guid BootId,
    long WallUnixMillis,
    bool WallSynchronized,
    ReadOnlyMemory<byte> Payload);

/// <summary>
/// What the store holds and what it dropped since it was opened. The positional values are the drafted contract; the
/// init-only values below them were added later (additive: callers constructing the record keep compiling).
/// </summary>
public sealed record OutboxStatistics(
    long PendingMessages,
    long PendingBytes,
    long PendingAlarms,
    long PendingEvents,
    long PendingTelemetry,
    long EvictedTelemetry,
    long EvictedEvents,
    long ExpiredMessages,
    long LastId)
{
    /// <summary>Bytes the store's files take on disk (segments, including records not yet compacted away).</summary>
    public long DiskBytes { get; init; }

    /// <summary>The configured byte cap.</summary>
    public long MaxBytes { get; init; }

    /// <summary>Segment files in the store.</summary>
    public int Segments { get; init; }

    /// <summary>Appends refused since open (cap reached with nothing evictable, or disk full).</summary>
    public long RejectedMessages { get; init; }

    /// <summary>Files moved to the quarantine folder when the store was opened.</summary>
    public int QuarantinedFiles { get; init; }

    /// <summary>Bytes of torn records cut from the end of the log when the store was opened (power loss mid-write).</summary>
    public long TornBytesTruncated { get; init; }

    /// <summary>Records that failed their checksum when read back after open and were dropped (media corruption).</summary>
    public long CorruptRecordsDropped { get; init; }

    /// <summary>
    /// Bytes appended to the store's files since open: records, their headers, ack records and compaction copies. Divided
    /// by the payload bytes accepted it gives the store's own write amplification (the file system adds its journal).
    /// </summary>
    public long BytesWritten { get; init; }
}

/// <summary>
/// The transactional store-and-forward buffer between detection and the uplink. Every implementation passes
/// the one contract suite in tests/EdgeGateway.Outbox.Tests.
/// </summary>
public interface IOutbox : IAsyncDisposable
{
    /// <summary>
    /// Appends a message. When the returned task completes the message is durable: it survives kill -9 and power
    /// loss (group commit lets many concurrent appends share one fsync). Throws <see cref="OutboxFullException"/>
    /// when the message cannot be kept even after eviction (for example a full disk), naming the store.
    /// </summary>
    ValueTask<long> EnqueueAsync(OutboxAppend message, CancellationToken cancellationToken = default);

    /// <summary>Pending messages with id greater than <paramref name="afterId"/>, in id order, at most <paramref name="max"/>.</summary>
    ValueTask<IReadOnlyList<OutboxMessage>> ReadAsync(long afterId, int max, CancellationToken cancellationToken = default);

    /// <summary>Removes messages once the broker (events, telemetry) or the platform (alarms) acknowledged them. Idempotent.</summary>
    ValueTask RemoveAsync(IReadOnlyCollection<long> ids, CancellationToken cancellationToken = default);

    /// <summary>Completes when a message with id greater than <paramref name="afterId"/> is pending.</summary>
    ValueTask WaitForMessagesAsync(long afterId, CancellationToken cancellationToken = default);

    OutboxStatistics GetStatistics();
}

/// <summary>The outbox cannot accept a message; the text names the store and the reason (cap, disk full, corrupt).</summary>
public sealed class OutboxFullException : IOException
{
    public OutboxFullException(string message) : base(message) { }

    public OutboxFullException(string message, Exception inner) : base(message, inner) { }
}
