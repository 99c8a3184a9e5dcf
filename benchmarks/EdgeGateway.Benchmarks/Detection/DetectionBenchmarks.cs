using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Lift;
using EdgeGateway.Core.Signals;
using EdgeGateway.Detection;
using EdgeGateway.Detection.Tracing;

namespace EdgeGateway.Benchmarks.Detection;

/// <summary>
/// Replay throughput on one core for a trace with a 200 Hz accelerometer (issue 5 target: ≥ 5 million samples/s):
/// the engine alone from in-memory samples, and end to end from the file (parse + detect + write the event log).
/// Results are per sample (OperationsPerInvoke).
/// </summary>
[MemoryDiagnoser]
public class DetectionThroughputBenchmarks
{
    private LiftSample[] _samples = [];
    private LiftProfile _profile = LiftProfile.Default;
    private string _tracePath = "";
    private readonly DetectionOptions _options = new();

    /// <summary>normal (a lift's everyday traffic, 200 Hz accelerometer, ~222 000 samples) or the busiest fault trace.</summary>
    [Params("normal", "overspeed_and_safety_gear")]
    public string Trace { get; set; } = "normal";

    [GlobalSetup]
    public void Setup()
    {
        _tracePath = Path.Combine(TracesDirectory(), Trace + ".trace.jsonl");
        using var reader = TraceReader.Open(_tracePath);
        _profile = reader.Header.ToProfile();
        var list = new List<LiftSample>();
        while (reader.TryRead(out var s))
        {
            list.Add(s);
        }

        _samples = [.. list];
    }

    [Benchmark(Description = "engine, in-memory samples (per trace)")]
    public long EngineInMemory()
    {
        var sink = new CountingSink();
        var engine = new DetectionEngine(_profile, _options, sink);
        var samples = _samples;
        for (var i = 0; i < samples.Length; i++)
        {
            engine.Process(in samples[i]);
        }

        return sink.Count + engine.SamplesProcessed;
    }

    [Benchmark(Description = "replay from file to event log (per trace)")]
    public long ReplayFromFile()
    {
        using var trace = new FileStream(_tracePath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        return TraceReplay.Run(trace, Stream.Null, _options).Samples;
    }

    internal static string TracesDirectory([CallerFilePath] string source = "")
    {
        for (var dir = new DirectoryInfo(Path.GetDirectoryName(source)!); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "EdgeGateway.sln")))
            {
                return Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "traces"));
            }
        }

        throw new InvalidOperationException("EdgeGateway.sln not found above " + source);
    }

    private sealed class CountingSink : IEventSink
    {
        public int Count;

        public void OnEvent(in LiftEvent liftEvent) => Count++;
    }
}
