using EdgeGateway.Detection.Pipeline;
using EdgeGateway.Detection.RideQuality;
using EdgeGateway.Detection.Trips;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Detection.Tracing;

/// <summary>
/// The <c>edgegw replay</c> job without the command line: configuration (detection options, and the trips and ride
/// quality sub-sections) from an optional JSON file, the trace through the production engine, events to
/// <paramref name="events"/>, trips (edge-trips/1) to <paramref name="trips"/> when given.
/// </summary>
public static class ReplayJob
{
    /// <exception cref="TraceFormatException">The trace is malformed (the message names the line).</exception>
    /// <exception cref="DetectionConfigException">The configuration file is unreadable or invalid (every problem listed).</exception>
    public static ReplayResult Run(Stream trace, Stream events, string? configPath = null, Stream? trips = null)
    {
        var options = configPath is null ? new DetectionOptions() : DetectionConfigFile.Load(configPath);
        var tripOptions = configPath is null ? new TripOptions() : DetectionConfigFile.LoadSubsection<TripOptions>(configPath, "Trips");
        var rideOptions = configPath is null ? new RideQualityOptions() : DetectionConfigFile.LoadSubsection<RideQualityOptions>(configPath, "RideQuality");
        var failures = new List<string>();
        Collect(new TripOptionsValidator().Validate(null, tripOptions), failures);
        Collect(new RideQualityOptionsValidator().Validate(null, rideOptions), failures);
        if (failures.Count > 0)
        {
            throw new DetectionConfigException($"{configPath}: invalid configuration:{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", failures));
        }

        if (trips is null)
        {
            return TraceReplay.Run(trace, events, options);
        }

        using var tripLog = new TripLogWriter(trips, originMicros: 0, leaveOpen: true);
        var result = TraceReplay.Run(trace, events, options,
            context => [new TripStage(context, tripOptions, rideOptions, [tripLog])]);
        tripLog.Flush();
        return result;
    }

    /// <summary>
    /// Replays files: events to <paramref name="eventsPath"/> (or <paramref name="standardOutput"/> when null), trips to
    /// <paramref name="tripsPath"/>. Files are written to a temporary name and renamed on success, so a malformed trace
    /// never leaves a half-written log behind.
    /// </summary>
    public static ReplayResult RunFiles(string tracePath, string? configPath, string? eventsPath, string? tripsPath, Stream standardOutput)
    {
        using var trace = new FileStream(tracePath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        var eventsTemp = eventsPath is null ? null : eventsPath + ".partial";
        var tripsTemp = tripsPath is null ? null : tripsPath + ".partial";
        try
        {
            ReplayResult result;
            // Standard output is buffered but not closed: the caller owns it.
            Stream events = eventsTemp is null ? new BufferedStream(standardOutput, 1 << 16) : File.Create(eventsTemp, 1 << 16);
            try
            {
                using var trips = tripsTemp is null ? null : File.Create(tripsTemp, 1 << 16);
                result = Run(trace, events, configPath, trips);
                events.Flush();
            }
            finally
            {
                if (eventsTemp is not null)
                {
                    events.Dispose();
                }
            }

            if (eventsTemp is not null)
            {
                File.Move(eventsTemp, eventsPath!, overwrite: true);
            }

            if (tripsTemp is not null)
            {
                File.Move(tripsTemp, tripsPath!, overwrite: true);
            }

            return result;
        }
        catch
        {
            TryDelete(eventsTemp);
            TryDelete(tripsTemp);
            throw;
        }
    }

    private static void TryDelete(string? path)
    {
        if (path is not null && File.Exists(path))
        {
            File.Delete(path);
        }
    }

    private static void Collect(ValidateOptionsResult result, List<string> failures)
    {
        if (result.Failed && result.Failures is not null)
        {
            failures.AddRange(result.Failures);
        }
    }
}
