using System.Text.Json;

namespace EdgeGateway.Detection.Tests.Support;

/// <summary>The sample traces the repository has beside it (<c>../shared/traces</c> from the repository root).</summary>
public static class SampleTraces
{
    public static readonly string[] Names =
    [
        "normal", "stuck_between_floors", "shut_in_at_floor", "door_faults", "running_faults",
        "overspeed_and_safety_gear", "overrun", "unintended_movement", "box_and_power",
    ];

    public static string Directory { get; } = Locate();

    public static string TracePath(string name) => Path.Combine(Directory, name + ".trace.jsonl");

    public static string EventsPath(string name) => Path.Combine(Directory, name + ".events.jsonl");

    // The source file's own path (compile time) finds the repository even when build output lives elsewhere (--artifacts-path).
    private static string Locate([System.Runtime.CompilerServices.CallerFilePath] string sourceFile = "")
    {
        for (var dir = new DirectoryInfo(Path.GetDirectoryName(sourceFile)!); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "EdgeGateway.sln")))
            {
                var traces = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "traces"));
                if (System.IO.Directory.Exists(traces))
                {
                    return traces;
                }

                throw new InvalidOperationException($"The sample traces are missing: expected them at {traces} (../shared/traces beside the repository).");
            }
        }

        throw new InvalidOperationException($"No EdgeGateway.sln above {sourceFile}.");
    }
}

/// <summary>One edge-events/1 line, parsed for comparisons.</summary>
public sealed record LoggedEvent(double TimeMs, string Type, string Phase, string Line)
{
    public static List<LoggedEvent> ParseLog(string text)
    {
        var events = new List<LoggedEvent>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            events.Add(new LoggedEvent(root.GetProperty("t").GetDouble(), root.GetProperty("type").GetString()!,
                root.GetProperty("phase").GetString()!, line));
        }

        return events;
    }
}
