using Microsoft.Extensions.Logging;

namespace EdgeGateway.Detection.HotLoop;

/// <summary>Log event ids of the detection assembly (3000–3099).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 3000, Level = LogLevel.Information, Message = "Hot loop started: queue {QueueCapacity} samples, history {HistoryCapacity} samples")]
    public static partial void Started(ILogger logger, int queueCapacity, int historyCapacity);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Hot loop stopped after {Samples} samples ({Dropped} dropped, {Events} events)")]
    public static partial void Stopped(ILogger logger, long samples, long dropped, long events);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Error, Message = "Hot loop: detection failed on a sample at {TimeMicros} µs; the loop goes on")]
    public static partial void ProcessFailed(ILogger logger, Exception exception, long timeMicros);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Error, Message = "Hot loop: the event sink failed for {EventType}; the loop goes on")]
    public static partial void SinkFailed(ILogger logger, Exception exception, string eventType);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning, Message = "Hot loop input queue full: {Dropped} samples dropped so far")]
    public static partial void Dropping(ILogger logger, long dropped);
}
