using Microsoft.Extensions.Logging;

namespace EdgeGateway.Uplink.Mqtt;

/// <summary>Every log event of the uplink, with its id (3000–3099). Secrets (password, keys, signatures, config) never appear.</summary>
internal static partial class Log
{
    [LoggerMessage(3000, LogLevel.Information, "MQTT uplink disabled (Mqtt:Enabled is false): messages stay queued in the outbox")]
    public static partial void Disabled(ILogger logger);

    [LoggerMessage(3001, LogLevel.Information, "Connecting to MQTT broker {Host}:{Port} (TLS {Tls}, MQTT {Protocol}) as client {ClientId}")]
    public static partial void Connecting(ILogger logger, string host, int port, bool tls, string protocol, string clientId);

    [LoggerMessage(3002, LogLevel.Information, "Connected to MQTT broker {Host}:{Port} with MQTT {Protocol}; {Pending} messages and {Alarms} alarms pending")]
    public static partial void Connected(ILogger logger, string host, int port, string protocol, long pending, long alarms);

    [LoggerMessage(3003, LogLevel.Warning, "MQTT connection to {Host}:{Port} failed or dropped: {Reason}; retrying in {Delay}")]
    public static partial void ConnectionFailed(ILogger logger, string host, int port, string reason, TimeSpan delay);

    [LoggerMessage(3004, LogLevel.Warning, "Broker {Host}:{Port} refused MQTT 5.0 ({Reason}); falling back to MQTT 3.1.1")]
    public static partial void FallingBackTo311(ILogger logger, string host, int port, string reason);

    [LoggerMessage(3005, LogLevel.Warning, "Broker rejected message {Id} on {Topic}: {ReasonCode} {ReasonString}; it stays queued")]
    public static partial void PublishRejected(ILogger logger, long id, string topic, string reasonCode, string? reasonString);

    [LoggerMessage(3006, LogLevel.Error, "Outbox message {Id} cannot be published and is dropped: {Reason}")]
    public static partial void PoisonMessage(ILogger logger, long id, string reason);

    [LoggerMessage(3010, LogLevel.Warning, "Alarm {Id} ({Type}) published, attempt {Attempt}; re-published until acknowledged")]
    public static partial void AlarmPublished(ILogger logger, long id, string type, int attempt);

    [LoggerMessage(3011, LogLevel.Information, "Alarm {Id} acknowledged by the platform")]
    public static partial void AlarmAcknowledged(ILogger logger, long id);

    [LoggerMessage(3012, LogLevel.Information, "Test alarm queued as message {Id} (EN 81-28 periodic test)")]
    public static partial void TestAlarmQueued(ILogger logger, long id);

    [LoggerMessage(3013, LogLevel.Error, "Could not queue the periodic test alarm: {Reason}")]
    public static partial void TestAlarmFailed(ILogger logger, string reason);

    [LoggerMessage(3020, LogLevel.Information, "Command {Name} ({RequestId}): {Outcome} {Reason}")]
    public static partial void CommandHandled(ILogger logger, string name, string requestId, string outcome, string reason);

    [LoggerMessage(3021, LogLevel.Error, "set_config {RequestId}: the pipeline failed to start with the new configuration: {Reason}; restoring the previous one")]
    public static partial void ConfigApplyFailed(ILogger logger, string requestId, string reason);

    [LoggerMessage(3022, LogLevel.Critical, "set_config {RequestId}: restoring the previous configuration failed too: {Reason}")]
    public static partial void ConfigRollbackFailed(ILogger logger, string requestId, string reason);

    [LoggerMessage(3023, LogLevel.Warning, "Command queue full: dropped a command on {Topic}")]
    public static partial void CommandDropped(ILogger logger, string topic);

    [LoggerMessage(3024, LogLevel.Warning, "Could not publish the response to {Name} ({RequestId}): {Reason}")]
    public static partial void ResponseFailed(ILogger logger, string name, string requestId, string reason);

    [LoggerMessage(3030, LogLevel.Warning, "Uplink loop error: {Reason}")]
    public static partial void LoopError(ILogger logger, string reason);
}
