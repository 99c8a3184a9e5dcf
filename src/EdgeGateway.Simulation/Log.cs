using Microsoft.Extensions.Logging;

namespace EdgeGateway.Simulation;

/// <summary>Every log event of the simulation assembly (ids 7000–7099).</summary>
internal static partial class Log
{
    [LoggerMessage(7001, LogLevel.Information, "Simulated fault {Fault} started at {Seconds:0.0} s")]
    public static partial void FaultStarted(ILogger logger, string fault, double seconds);

    [LoggerMessage(7002, LogLevel.Information, "Simulated fault {Fault} happens at t={Seconds:0.000} s, floor {Floor}")]
    public static partial void FaultIncident(ILogger logger, string fault, double seconds, int floor);

    [LoggerMessage(7003, LogLevel.Information, "Simulated fault {Fault}: recovery begins at {Seconds:0.0} s")]
    public static partial void FaultRecovering(ILogger logger, string fault, double seconds);

    [LoggerMessage(7004, LogLevel.Information, "Simulated fault {Fault} over at {Seconds:0.0} s; normal service")]
    public static partial void FaultEnded(ILogger logger, string fault, double seconds);

    [LoggerMessage(7010, LogLevel.Information, "Simulated lift running in real time: floors {Lowest}..{Highest}, rated {RatedSpeed} mm/s, step {StepMillis} ms")]
    public static partial void SourceStarted(ILogger logger, int lowest, int highest, int ratedSpeed, double stepMillis);

    [LoggerMessage(7011, LogLevel.Information, "Simulated lift stopped after {Seconds:0.0} s simulated; {Refused} samples refused by a full queue")]
    public static partial void SourceStopped(ILogger logger, double seconds, long refused);
}
