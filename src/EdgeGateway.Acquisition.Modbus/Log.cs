using Microsoft.Extensions.Logging;

namespace EdgeGateway.Acquisition.Modbus;

/// <summary>Every log event of the Modbus assembly, with its id (3000–3099).</summary>
internal static partial class Log
{
    [LoggerMessage(3000, LogLevel.Information, "Modbus slave serving over {Transport} on {Where} as slave {SlaveId}")]
    public static partial void SlaveServing(ILogger logger, string transport, string where, byte slaveId);

    [LoggerMessage(3001, LogLevel.Warning, "Modbus slave port {Where}: {Problem}; reopening")]
    public static partial void SlaveTransportFault(ILogger logger, string where, string problem);

    [LoggerMessage(3010, LogLevel.Information, "Modbus controller source polling slave {SlaveId} on {Where} with map {Map}: {Plan}")]
    public static partial void Polling(ILogger logger, byte slaveId, string where, string map, string plan);

    [LoggerMessage(3011, LogLevel.Error, "Modbus register map rejected; the controller is not polled. {Problem}")]
    public static partial void MapRejected(ILogger logger, string problem);

    [LoggerMessage(3012, LogLevel.Warning, "Modbus link to slave {SlaveId} on {Where} lost after {Failures} failed polls ({LastResult})")]
    public static partial void LinkLost(ILogger logger, byte slaveId, string where, int failures, string lastResult);

    [LoggerMessage(3013, LogLevel.Information, "Modbus link to slave {SlaveId} on {Where} is up")]
    public static partial void LinkUp(ILogger logger, byte slaveId, string where);

    [LoggerMessage(3014, LogLevel.Warning, "Modbus port {Where} failed: {Problem}; retrying in {BackoffMs} ms")]
    public static partial void TransportFault(ILogger logger, string where, string problem, long backoffMs);

    [LoggerMessage(3015, LogLevel.Warning, "Modbus slave {SlaveId}: {Problem}")]
    public static partial void SlaveProblem(ILogger logger, byte slaveId, string problem);

    [LoggerMessage(3016, LogLevel.Information, "Modbus health {Health}")]
    public static partial void Health(ILogger logger, string health);

    [LoggerMessage(3017, LogLevel.Debug, "Modbus hot loop queue full; {Dropped} controller samples dropped so far")]
    public static partial void SampleDropped(ILogger logger, long dropped);
}
