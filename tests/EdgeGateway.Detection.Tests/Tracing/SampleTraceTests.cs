using System.Text;
using EdgeGateway.Detection.Tests.Support;
using EdgeGateway.Detection.Tracing;
using Xunit.Abstractions;

namespace EdgeGateway.Detection.Tests.Tracing;

/// <summary>
/// Every sample trace against the events an independent implementation of the brief's default rules gives for it,
/// with the README's tolerance: each expected raised/instant event matched by one of the same type no more than
/// 0.25 s earlier and no more than 1.0 s later; anything else is a miss or a false alarm.
/// </summary>
public sealed class SampleTraceTests(ITestOutputHelper output)
{
    public static TheoryData<string> Traces => [.. SampleTraces.Names];

    [Theory]
    [MemberData(nameof(Traces))]
    public void Replay_matches_the_reference_events(string name)
    {
        var actual = LoggedEvent.ParseLog(Replay(name));
        var expected = LoggedEvent.ParseLog(File.ReadAllText(SampleTraces.EventsPath(name)));
        foreach (var e in actual)
        {
            output.WriteLine(e.Line);
        }

        var problems = new List<string>();
        var unmatched = actual.Where(e => e.Phase != "cleared").ToList();
        foreach (var want in expected.Where(e => e.Phase != "cleared"))
        {
            var match = unmatched.FirstOrDefault(e => e.Type == want.Type && e.Phase == want.Phase &&
                e.TimeMs >= want.TimeMs - 250 && e.TimeMs <= want.TimeMs + 1000);
            if (match is null)
            {
                problems.Add($"missed: {want.Line}");
            }
            else
            {
                unmatched.Remove(match);
            }
        }

        problems.AddRange(unmatched.Select(e => $"false alarm: {e.Line}"));
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Theory]
    [MemberData(nameof(Traces))]
    public void Replay_clears_what_the_reference_clears(string name)
    {
        // Not part of the README's comparison, but the clearing rules are the brief's too: same tolerance.
        var actual = LoggedEvent.ParseLog(Replay(name)).Where(e => e.Phase == "cleared").ToList();
        var expected = LoggedEvent.ParseLog(File.ReadAllText(SampleTraces.EventsPath(name))).Where(e => e.Phase == "cleared").ToList();
        var problems = new List<string>();
        foreach (var want in expected)
        {
            var match = actual.FirstOrDefault(e => e.Type == want.Type && e.TimeMs >= want.TimeMs - 250 && e.TimeMs <= want.TimeMs + 1000);
            if (match is null)
            {
                problems.Add($"not cleared: {want.Line}");
            }
            else
            {
                actual.Remove(match);
            }
        }

        problems.AddRange(actual.Select(e => $"extra clear: {e.Line}"));
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    internal static string Replay(string name)
    {
        using var trace = File.OpenRead(SampleTraces.TracePath(name));
        using var events = new MemoryStream();
        TraceReplay.Run(trace, events, new DetectionOptions());
        return Encoding.UTF8.GetString(events.ToArray());
    }
}
