using BenchmarkDotNet.Attributes;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Lift;
using EdgeGateway.Core.Signals;
using EdgeGateway.Core.Time;
using EdgeGateway.Detection;
using HotLoopRunner = EdgeGateway.Detection.HotLoop.HotLoop;

namespace EdgeGateway.Benchmarks.Detection;

/// <summary>
/// Live event latency: a producer thread writes a sample that satisfies a rule at once (a mode change, an instant
/// event) into the running <see cref="HotLoopRunner"/> and waits until the sink has the event. One operation = sample
/// written → event handed to the sink, across threads, with the loop waking from its idle wait. The loop's own
/// p50/p99 (sample time stamp → sink returned) are printed at the end.
/// </summary>
[MemoryDiagnoser]
public class HotLoopLatencyBenchmarks : IDisposable
{
    private readonly MonotonicClock _clock = new(TimeProvider.System);
    private readonly SignallingSink _sink = new();
    private HotLoopRunner? _loop;
    private CancellationTokenSource? _stop;
    private Task? _run;
    private bool _fire;

    [GlobalSetup]
    public void Setup()
    {
        _loop = new HotLoopRunner(new LiftProfile("BENCH", 0, 10, 1600), new DetectionOptions(), _sink, _clock);
        _stop = new CancellationTokenSource();
        _run = _loop.RunAsync(_stop.Token);
        var initial = new LiftSample(_clock.NowMicros, SignalMask.Mode | SignalMask.Link, LiftMode.Normal, 0, default, false, default, false, false,
            0, 0, true, false, false, false, false, 0, 0, 0);
        _loop.TryWrite(in initial);
    }

    [Benchmark(Description = "sample written → mode_change in the sink")]
    public long SampleToEvent()
    {
        _fire = !_fire;
        var before = Volatile.Read(ref _sink.Count);
        var sample = new LiftSample(_clock.NowMicros, SignalMask.Mode, _fire ? LiftMode.Fire : LiftMode.Normal, 0, default, false, default, false,
            false, 0, 0, false, false, false, false, false, 0, 0, 0);
        _loop!.TryWrite(in sample);
        var spinner = new SpinWait();
        while (Volatile.Read(ref _sink.Count) == before)
        {
            spinner.SpinOnce(sleep1Threshold: -1);
        }

        return _sink.Count;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _stop!.Cancel();
        _run!.Wait();
        var snapshot = _loop!.Snapshot();
        Console.WriteLine($"// HotLoop event latency (rule fired → sink returned): n={snapshot.EventLatency.Count} p50={snapshot.EventLatency.P50Micros} µs " +
            $"p99={snapshot.EventLatency.P99Micros} µs p99.9={snapshot.EventLatency.P999Micros} µs max={snapshot.EventLatency.MaxMicros} µs");
        Console.WriteLine($"// HotLoop sample latency (time stamp → processed): p50={snapshot.SampleLatency.P50Micros} µs p99={snapshot.SampleLatency.P99Micros} µs");
    }

    public void Dispose()
    {
        _loop?.Dispose();
        _stop?.Dispose();
        GC.SuppressFinalize(this);
    }

    private sealed class SignallingSink : IEventSink
    {
        public long Count;

        public void OnEvent(in LiftEvent liftEvent) => Interlocked.Increment(ref Count);
    }
}
