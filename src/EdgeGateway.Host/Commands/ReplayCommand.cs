using System.CommandLine;
using EdgeGateway.Detection.Tracing;

namespace EdgeGateway.Host.Commands;

/// <summary>
/// <c>edgegw replay TRACE [--config FILE] [--out EVENTS] [--trips TRIPS]</c>: runs a recorded edge-trace/1 through the
/// production detection pipeline and writes the edge-events/1 log (standard output without --out), trips alongside
/// with --trips. Deterministic; a malformed trace exits with status 2 and the line number, a bad configuration with 3.
/// </summary>
public static class ReplayCommand
{
    public const int MalformedTrace = 2;
    public const int InvalidConfiguration = 3;
    public const int InputOutputError = 4;

    public static Command Create()
    {
        var trace = new Argument<FileInfo>("TRACE") { Description = "The edge-trace/1 file to replay." };
        var config = new Option<FileInfo?>("--config") { Description = "JSON configuration (appsettings.json shape; its \"Detection\" section is used). Defaults otherwise." };
        var output = new Option<FileInfo?>("--out") { Description = "Write the edge-events/1 log here instead of standard output." };
        var trips = new Option<FileInfo?>("--trips") { Description = "Also write the trips (edge-trips/1) here." };
        var command = new Command("replay", "Replay a recorded trace through detection and write the event log.");
        command.Arguments.Add(trace);
        command.Options.Add(config);
        command.Options.Add(output);
        command.Options.Add(trips);
        command.SetAction(parseResult =>
        {
            using var stdout = Console.OpenStandardOutput();
            return Run(parseResult.GetValue(trace)!.FullName, parseResult.GetValue(config)?.FullName, parseResult.GetValue(output)?.FullName,
                parseResult.GetValue(trips)?.FullName, stdout, Console.Error);
        });
        return command;
    }

    /// <summary>The command's work, testable without a console: returns the exit status.</summary>
    public static int Run(string tracePath, string? configPath, string? eventsPath, string? tripsPath, Stream standardOutput, TextWriter standardError)
    {
        try
        {
            ReplayJob.RunFiles(tracePath, configPath, eventsPath, tripsPath, standardOutput);
            return 0;
        }
        catch (TraceFormatException e)
        {
            standardError.WriteLine($"edgegw replay: {tracePath}: {e.Message}");
            return MalformedTrace;
        }
        catch (DetectionConfigException e)
        {
            standardError.WriteLine($"edgegw replay: {e.Message}");
            return InvalidConfiguration;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            standardError.WriteLine($"edgegw replay: {e.Message}");
            return InputOutputError;
        }
    }
}
