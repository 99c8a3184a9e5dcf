using Microsoft.Extensions.Logging;

namespace EdgeGateway.Host.Hosting;

/// <summary>Every log event the host writes, with its id, in one place.</summary>
internal static partial class Log
{
    [LoggerMessage(1000, LogLevel.Information, "EdgeGateway {Version} starting: box {BoxId}, lift {LiftId}, data in {DataDirectory}, mode {Mode}")]
    public static partial void Starting(ILogger logger, string version, string boxId, string liftId, string dataDirectory, string mode);

    [LoggerMessage(1001, LogLevel.Information, "EdgeGateway stopped")]
    public static partial void Stopped(ILogger logger);

    [LoggerMessage(1010, LogLevel.Error, "Source {Source} failed; restarting it in {DelayMs} ms (other sources keep running)")]
    public static partial void SourceFailed(ILogger logger, Exception exception, string source, int delayMs);

    [LoggerMessage(1011, LogLevel.Information, "Source {Source} started")]
    public static partial void SourceStarted(ILogger logger, string source);

    [LoggerMessage(1020, LogLevel.Warning, "Event {EventType} {Phase} at floor {Floor}")]
    public static partial void EventRaised(ILogger logger, string eventType, string phase, int? floor);

    [LoggerMessage(1021, LogLevel.Information, "Event {EventType} {Phase} at floor {Floor}")]
    public static partial void EventInfo(ILogger logger, string eventType, string phase, int? floor);

    [LoggerMessage(1030, LogLevel.Error, "Could not put {EventType} into the outbox; retrying in {DelayMs} ms")]
    public static partial void EnqueueFailed(ILogger logger, Exception exception, string eventType, int delayMs);

    [LoggerMessage(1031, LogLevel.Error, "Event queue to the outbox is full: {EventType} dropped (the outbox is not keeping up)")]
    public static partial void EventQueueFull(ILogger logger, string eventType);

    [LoggerMessage(1040, LogLevel.Information, "Status: floor {Floor} {Direction} door {Door} mode {Mode}; outbox {Pending} pending; uplink {Uplink}")]
    public static partial void Status(ILogger logger, string floor, string direction, string door, string mode, long pending, string uplink);

    [LoggerMessage(1050, LogLevel.Error, "Black-box capture {Path} could not be queued for upload")]
    public static partial void CaptureEnqueueFailed(ILogger logger, Exception exception, string path);

    [LoggerMessage(1060, LogLevel.Warning, "Reconfiguring: acquisition and detection stopped; starting them with the new configuration")]
    public static partial void Reconfiguring(ILogger logger);

    [LoggerMessage(1061, LogLevel.Information, "Reconfigured: the pipeline runs with the new configuration")]
    public static partial void Reconfigured(ILogger logger);

    [LoggerMessage(1062, LogLevel.Warning, "Remote configuration {RequestOutcome}: {Detail}")]
    public static partial void RemoteConfig(ILogger logger, string requestOutcome, string detail);

    [LoggerMessage(1063, LogLevel.Error, "Remote configuration layer {Path} is not usable ({Problem}); moved aside to {QuarantinePath}, running on the site configuration")]
    public static partial void RemoteLayerQuarantined(ILogger logger, string path, string problem, string? quarantinePath);

    [LoggerMessage(1064, LogLevel.Critical, "Restoring the previous configuration failed ({Problem}); the service exits so systemd restarts it with the stored configuration")]
    public static partial void RestoreFailed(ILogger logger, string problem);
}
