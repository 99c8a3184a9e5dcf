using EdgeGateway.Core.Events;
using EdgeGateway.Core.Signals;
using EdgeGateway.Core.Time;
using EdgeGateway.Detection.Tests.Support;
using EdgeGateway.Detection.Tracing;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.Detection.Tests.HotLoop;

/// <summary>0 B per sample in steady state (issue 5, "Measurements"), measured on the calling thread.</summary>
public sealed class AllocationTests
{
    private sealed class CountingSink : IEventSink
    {
        public int Count;

        public void OnEvent(in LiftEvent liftEvent) => Count++;
    }

    private static LiftSample[] Load(string name)
    {
        using var reader = TraceReader.Open(SampleTraces.TracePath(name));
        var samples = new List<LiftSample>();
        while (reader.TryRead(out var s))
        {
            samples.Add(s);
        }

        return [.. samples];
    }

    [Theory]
    [InlineData("overspeed_and_safety_gear")]
    [InlineData("box_and_power")]
    public void Engine_process_allocates_nothing_per_sample_including_events(string trace)
    {
        var samples = Load(trace);
        var profile = new TraceHeader("x", -1, 18, 1500, 200, null).ToProfile();
        var warmUp = new DetectionEngine(profile, new DetectionOptions(), new CountingSink());
        foreach (var s in samples)
        {
            warmUp.Process(in s);
        }

        var sink = new CountingSink();
        var engine = new DetectionEngine(profile, new DetectionOptions(), sink);
        var before = GC.GetAllocatedBytesForCurrentThread();
        foreach (var s in samples)
        {
            engine.Process(in s);
        }

        engine.AdvanceTo(engine.NowMicros + 100_000_000);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(sink.Count > 5);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Trace_reading_allocates_a_constant_not_per_sample()
    {
        var path = SampleTraces.TracePath("running_faults");
        long Measure()
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            using var reader = TraceReader.Open(path);
            var count = 0;
            while (reader.TryRead(out _))
            {
                count++;
            }

            Assert.True(count > 30_000);
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }

        Measure();
        // The header (parsed once), the file stream and the reader itself: a few kB for ~37 000 lines.
        Assert.InRange(Measure(), 0, 16 * 1024);
    }

    [Fact]
    public void Writing_to_the_hot_loop_queue_allocates_nothing()
    {
        using var loop = new Detection.HotLoop.HotLoop(EngineHarness.Profile, new DetectionOptions(), new CountingSink(),
            new MonotonicClock(new FakeTimeProvider()), options: new Detection.HotLoop.HotLoopOptions { QueueCapacity = 8192 });
        var sample = Samples.At(1).Acc(9.81f).Sample;
        loop.TryWrite(in sample);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
        {
            loop.TryWrite(in sample); // the last ~1800 are drops: that path must not allocate either
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.True(loop.SamplesDropped > 0);
    }
}
