using Microsoft.Extensions.Logging;

namespace EdgeGateway.Outbox;

/// <summary>Every log event of the outbox, with its stable id (3000-3099).</summary>
internal static partial class Log
{
    [LoggerMessage(3000, LogLevel.Information,
        "Outbox opened at {Directory}: {Segments} segment(s), {Pending} pending message(s) ({PendingBytes} bytes), last id {LastId}, in {ElapsedMs} ms")]
    public static partial void Opened(ILogger logger, string directory, int segments, long pending, long pendingBytes, long lastId, long elapsedMs);

    [LoggerMessage(3001, LogLevel.Warning,
        "Outbox segment {File}: torn record at offset {Offset} ({Bytes} bytes to the end of the file, power lost mid-write); truncated, everything before it kept")]
    public static partial void TornTailTruncated(ILogger logger, string file, long offset, long bytes);

    [LoggerMessage(3002, LogLevel.Error,
        "Outbox segment {File}: corrupt bytes at offset {Offset} ({Length} bytes fail the magic/CRC-32C check while valid records follow)")]
    public static partial void DamagedRegion(ILogger logger, string file, long offset, long length);

    [LoggerMessage(3003, LogLevel.Error,
        "Outbox segment {File} quarantined to {QuarantinePath}: {Salvaged} pending message(s) salvaged into the active segment, the store opens with the rest")]
    public static partial void Quarantined(ILogger logger, string file, string quarantinePath, int salvaged);

    [LoggerMessage(3004, LogLevel.Warning,
        "Outbox at {Directory} is full ({PendingBytes} of {MaxBytes} bytes pending, nothing evictable for a {Class} message): append refused")]
    public static partial void Refused(ILogger logger, string directory, long pendingBytes, long maxBytes, MessageClass @class);

    [LoggerMessage(3005, LogLevel.Warning, "Outbox cap reached: evicted {Class} message {Id} ({Bytes} bytes) to make room")]
    public static partial void Evicted(ILogger logger, MessageClass @class, long id, int bytes);

    [LoggerMessage(3006, LogLevel.Information, "Outbox: {Count} {Class} message(s) expired (time-to-live {TimeToLive}) and were dropped")]
    public static partial void Expired(ILogger logger, int count, MessageClass @class, TimeSpan timeToLive);

    [LoggerMessage(3007, LogLevel.Error, "Outbox at {Directory}: writing {File} failed; {Messages} append(s) refused, the store keeps what it has")]
    public static partial void WriteFailed(ILogger logger, Exception exception, string directory, string file, int messages);

    [LoggerMessage(3008, LogLevel.Debug, "Outbox: compacted segment {File}, {Relocated} pending message(s) ({Bytes} bytes) moved to {Active}")]
    public static partial void Compacted(ILogger logger, string file, int relocated, long bytes, string active);

    [LoggerMessage(3009, LogLevel.Debug, "Outbox: deleted segment {File} (every message in it acknowledged)")]
    public static partial void SegmentDeleted(ILogger logger, string file);

    [LoggerMessage(3010, LogLevel.Error, "Outbox segment {File}: the record of message {Id} at offset {Offset} fails its CRC-32C when read back; dropped")]
    public static partial void CorruptOnRead(ILogger logger, string file, long id, long offset);

    [LoggerMessage(3011, LogLevel.Warning, "Outbox: compacting or deleting segment {File} failed; retried later")]
    public static partial void MaintenanceFailed(ILogger logger, Exception exception, string file);

    [LoggerMessage(3012, LogLevel.Warning, "Outbox at {Directory}: ignoring unexpected file {File}")]
    public static partial void ForeignFile(ILogger logger, string directory, string file);

    [LoggerMessage(3013, LogLevel.Warning, "Outbox segment {File}: no valid record at all ({Bytes} bytes, crash while the segment was created); deleted")]
    public static partial void EmptySegmentDeleted(ILogger logger, string file, long bytes);

    [LoggerMessage(3014, LogLevel.Error, "Outbox at {Directory}: unexpected failure in the writer; the batch was refused and the writer goes on")]
    public static partial void WriterFault(ILogger logger, Exception exception, string directory);
}
