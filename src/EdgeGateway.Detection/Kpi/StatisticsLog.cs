using Microsoft.Extensions.Logging;

namespace EdgeGateway.Detection.Kpi;

/// <summary>
/// Log events of trips, counters, KPIs and the black box (event ids 5000–5099 of the Detection assembly,
/// kept apart from the engine's own ids).
/// </summary>
internal static partial class StatisticsLog
{
    [LoggerMessage(EventId = 5001, Level = LogLevel.Error,
        Message = "Data file {Path} is corrupt ({Problem}); moved aside to {QuarantinePath}, starting from zero")]
    public static partial void DataFileQuarantined(ILogger logger, string path, string problem, string quarantinePath);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Error,
        Message = "Data file {Path} is corrupt ({Problem}) and could not be moved aside: {Reason}; starting from zero")]
    public static partial void DataFileQuarantineFailed(ILogger logger, string path, string problem, string reason);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Error, Message = "Saving {Path} failed; will retry at the next save")]
    public static partial void SaveFailed(ILogger logger, string path, Exception exception);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Information, Message = "Loaded {Path}: {Summary}")]
    public static partial void Loaded(ILogger logger, string path, string summary);

    [LoggerMessage(EventId = 5010, Level = LogLevel.Information, Message = "Daily KPI summary for {Day}: {Summary}")]
    public static partial void DailySummary(ILogger logger, DateOnly day, string summary);

    [LoggerMessage(EventId = 5011, Level = LogLevel.Error, Message = "Daily KPI sink failed for {Day}")]
    public static partial void DailySummarySinkFailed(ILogger logger, DateOnly day, Exception exception);

    [LoggerMessage(EventId = 5020, Level = LogLevel.Information,
        Message = "Black-box capture {Path} written: {Samples} samples, {Bytes} bytes, events {Events}")]
    public static partial void CaptureWritten(ILogger logger, string path, int samples, long bytes, string events);

    [LoggerMessage(EventId = 5021, Level = LogLevel.Warning,
        Message = "Black-box capture for {Event} dropped: {Pending} captures already pending (limit {Limit})")]
    public static partial void CaptureDropped(ILogger logger, string @event, int pending, int limit);

    [LoggerMessage(EventId = 5022, Level = LogLevel.Warning,
        Message = "Black-box capture {Path} deleted to stay within {MaxFiles} files / {MaxBytes} bytes")]
    public static partial void CaptureEvicted(ILogger logger, string path, int maxFiles, long maxBytes);

    [LoggerMessage(EventId = 5023, Level = LogLevel.Error, Message = "Black-box capture {Path} could not be written")]
    public static partial void CaptureFailed(ILogger logger, string path, Exception exception);

    [LoggerMessage(EventId = 5024, Level = LogLevel.Error, Message = "Black-box sink failed for {Path}")]
    public static partial void CaptureSinkFailed(ILogger logger, string path, Exception exception);

    [LoggerMessage(EventId = 5026, Level = LogLevel.Error, Message = "Black-box capture {Path} could not be deleted")]
    public static partial void CaptureDeleteFailed(ILogger logger, string path, Exception exception);

    [LoggerMessage(EventId = 5025, Level = LogLevel.Warning,
        Message = "Black-box capture for {Event} starts late: the sample history no longer holds the requested {Seconds} s before it")]
    public static partial void CaptureHistoryShort(ILogger logger, string @event, double seconds);
}
