using System.Security.Cryptography;
using System.Text;
using EdgeGateway.Detection.Tests.Support;
using EdgeGateway.Detection.Tracing;

namespace EdgeGateway.Detection.Tests.Tracing;

public sealed class ReplayJobTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("edgegw-replay-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Same_trace_same_configuration_gives_byte_identical_events_and_trips()
    {
        var trace = SampleTraces.TracePath("overrun");
        string Run(string tag)
        {
            var events = Path.Combine(_dir, tag + ".events.jsonl");
            var trips = Path.Combine(_dir, tag + ".trips.jsonl");
            ReplayJob.RunFiles(trace, null, events, trips, Stream.Null);
            return Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(events))) + Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(trips)));
        }

        Assert.Equal(Run("a"), Run("b"));
        Assert.NotEmpty(File.ReadAllLines(Path.Combine(_dir, "a.trips.jsonl")));
        Assert.Equal(10, File.ReadAllLines(Path.Combine(_dir, "a.events.jsonl")).Length);
    }

    [Fact]
    public void Events_go_to_standard_output_without_an_out_file()
    {
        using var stdout = new MemoryStream();
        var result = ReplayJob.RunFiles(SampleTraces.TracePath("shut_in_at_floor"), null, null, null, stdout);
        var text = Encoding.UTF8.GetString(stdout.ToArray());
        Assert.Equal(File.ReadAllText(SampleTraces.EventsPath("shut_in_at_floor")), text);
        Assert.Equal(2, result.Events);
    }

    [Fact]
    public void Configuration_changes_the_rules_and_the_service_shape_is_accepted()
    {
        var config = Path.Combine(_dir, "appsettings.json");
        File.WriteAllText(config, """
            { "Mqtt": { "Host": "127.0.0.1" },
              // comments are fine
              "Detection": { "EntrapmentSeconds": 60, "Enabled": { "ControllerFault": false }, "Trips": { "FloorHeightMm": 3200 } } }
            """);
        using var stdout = new MemoryStream();
        ReplayJob.RunFiles(SampleTraces.TracePath("shut_in_at_floor"), config, null, null, stdout);
        var events = LoggedEvent.ParseLog(Encoding.UTF8.GetString(stdout.ToArray()));
        Assert.Equal(199_600.0, events[0].TimeMs);
    }

    [Fact]
    public void An_invalid_configuration_lists_every_bad_key()
    {
        var config = Path.Combine(_dir, "bad.json");
        File.WriteAllText(config, """{ "Detection": { "EntrapmentSeconds": -5, "LinkLostSeconds": "soon" } }""");
        var error = Assert.Throws<DetectionConfigException>(() => ReplayJob.RunFiles(SampleTraces.TracePath("normal"), config, null, null, Stream.Null));
        Assert.Contains("LinkLostSeconds", error.Message, StringComparison.Ordinal);
        File.WriteAllText(config, """{ "Detection": { "EntrapmentSeconds": -5, "OverspeedFactor": 0.5, "Trips": { "FloorHeightMm": 0 } } }""");
        error = Assert.Throws<DetectionConfigException>(() => ReplayJob.RunFiles(SampleTraces.TracePath("normal"), config, null, null, Stream.Null));
        Assert.Contains("Detection:EntrapmentSeconds", error.Message, StringComparison.Ordinal);
        Assert.Contains("Detection:OverspeedFactor", error.Message, StringComparison.Ordinal);
        File.WriteAllText(config, """{ "Detection": { "EntrapmentSecs": 5 } }""");
        error = Assert.Throws<DetectionConfigException>(() => ReplayJob.RunFiles(SampleTraces.TracePath("normal"), config, null, null, Stream.Null));
        Assert.Contains("EntrapmentSecs", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_malformed_trace_names_the_line_and_leaves_no_partial_output()
    {
        var trace = Path.Combine(_dir, "bad.trace.jsonl");
        var lines = File.ReadLines(SampleTraces.TracePath("door_faults")).Take(5000).ToList();
        lines[4321] = """{"t":21600,"door":17}""";
        File.WriteAllLines(trace, lines);
        var events = Path.Combine(_dir, "out.jsonl");
        var error = Assert.Throws<TraceFormatException>(() => ReplayJob.RunFiles(trace, null, events, null, Stream.Null));
        Assert.Equal(4322, error.LineNumber);
        Assert.False(File.Exists(events));
        Assert.Empty(Directory.GetFiles(_dir, "*.partial"));
    }
}
