using System.Diagnostics;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Signals;
using EdgeGateway.Core.Time;
using EdgeGateway.Detection.HotLoop;
using EdgeGateway.Detection.Pipeline;
using EdgeGateway.Detection.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using HotLoopRunner = EdgeGateway.Detection.HotLoop.HotLoop;

namespace EdgeGateway.Detection.Tests.HotLoop;

public sealed class HotLoopTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private sealed class ConcurrentSink : IEventSink
    {
        private readonly List<LiftEvent> _events = [];

        public void OnEvent(in LiftEvent liftEvent)
        {
            lock (_events)
            {
                _events.Add(liftEvent);
            }
        }

        public LiftEvent[] Events
        {
            get
            {
                lock (_events)
                {
                    return [.. _events];
                }
            }
        }
    }

    private sealed class CountingStage : IDetectionStage
    {
        public int Samples;
        public int Advances;
        public int Events;

        public void OnSample(in LiftSample sample, in LiftState state, SignalMask changed) => Samples++;

        public void AdvanceTo(long timeMicros, in LiftState state) => Advances++;

        public void OnEvent(in LiftEvent liftEvent) => Events++;
    }

    private static void WaitUntil(Func<bool> condition, string what)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(watch.Elapsed < Patience, $"timed out waiting for {what}");
            Thread.Sleep(2);
        }
    }

    private static LiftSample At(long micros, Samples s) => s.Sample with { TimeMicros = micros };

    [Fact]
    public void Entrapment_fires_at_the_end_of_the_hold_on_the_loops_clock_without_another_sample()
    {
        var time = new FakeTimeProvider();
        var clock = new MonotonicClock(time);
        var sink = new ConcurrentSink();
        using var loop = new HotLoopRunner(EngineHarness.Profile, new DetectionOptions(), sink, clock);
        var stage = new CountingStage();
        loop.AddStages([stage]);
        using var stop = new CancellationTokenSource();
        var run = loop.RunAsync(stop.Token);

        Assert.True(loop.TryWrite(At(clock.NowMicros, Samples.Idle(0).Occupied(true))));
        var start = clock.NowMicros;
        WaitUntil(() => loop.Snapshot().SamplesProcessed == 1, "the sample");
        time.Advance(TimeSpan.FromSeconds(29.9));
        Thread.Sleep(50);
        Assert.Empty(sink.Events);
        time.Advance(TimeSpan.FromSeconds(0.2));
        WaitUntil(() => sink.Events.Length == 1, "the entrapment");
        var entrapment = sink.Events[0];
        Assert.Equal((EventType.Entrapment, EventPhase.Raised), (entrapment.Type, entrapment.Phase));
        Assert.Equal(start + 30_000_000, entrapment.TimeMicros);

        var snapshot = loop.Snapshot();
        Assert.True(snapshot.State.Occupied);
        Assert.Equal(EventType.Entrapment, Assert.Single(snapshot.ActiveEvents).Type);
        Assert.Equal(EventType.Entrapment, Assert.Single(snapshot.RecentEvents).Type);
        Assert.Equal(1, snapshot.EventLatency.Count);
        Assert.Equal(1, snapshot.SampleLatency.Count);

        stop.Cancel();
        Assert.True(run.Wait(Patience));
        Assert.Equal(1, stage.Samples);
        Assert.Equal(1, stage.Events);
        Assert.True(stage.Advances > 0);
    }

    [Fact]
    public void Sensor_health_reports_become_sensor_fault_events()
    {
        var time = new FakeTimeProvider();
        var sink = new ConcurrentSink();
        using var loop = new HotLoopRunner(EngineHarness.Profile, new DetectionOptions(), sink, new MonotonicClock(time));
        using var stop = new CancellationTokenSource();
        var run = loop.RunAsync(stop.Token);
        loop.Report("accelerometer", "WHO_AM_I read 0x00, expected 0x33");
        loop.Report("accelerometer", "WHO_AM_I read 0x00, expected 0x33");
        time.Advance(TimeSpan.FromSeconds(1));
        loop.Report("accelerometer", null);
        WaitUntil(() => sink.Events.Length == 2, "raised and cleared");
        Assert.Equal([EventPhase.Raised, EventPhase.Cleared], sink.Events.Select(e => e.Phase));
        Assert.All(sink.Events, e => Assert.Equal("accelerometer", e.Detail.Sensor));
        Assert.Empty(loop.Snapshot().ActiveEvents);
        stop.Cancel();
        Assert.True(run.Wait(Patience));
    }

    [Fact]
    public void A_full_queue_drops_and_counts_instead_of_blocking()
    {
        var clock = new MonotonicClock(new FakeTimeProvider());
        using var loop = new HotLoopRunner(EngineHarness.Profile, new DetectionOptions(), new RecordingSink(), clock,
            options: new HotLoopOptions { QueueCapacity = 16 });
        var accepted = 0;
        for (var i = 0; i < 20; i++)
        {
            accepted += loop.TryWrite(Samples.At(i).Acc(9.81f)) ? 1 : 0;
        }

        Assert.Equal(16, accepted);
        Assert.Equal(4, loop.SamplesDropped);
        Assert.Equal(4, loop.Snapshot().SamplesDropped);
    }

    [Fact]
    public void The_history_ring_holds_what_the_loop_processed_and_copies_a_time_window()
    {
        var time = new FakeTimeProvider();
        var clock = new MonotonicClock(time);
        using var loop = new HotLoopRunner(EngineHarness.Profile, new DetectionOptions(), new RecordingSink(), clock,
            options: new HotLoopOptions { HistorySeconds = 1, HistorySamplesPerSecond = 100, QueueCapacity = 1024 });
        Assert.Equal(128, loop.History.Capacity);
        using var stop = new CancellationTokenSource();
        var run = loop.RunAsync(stop.Token);
        for (var i = 0; i < 300; i++)
        {
            Assert.True(loop.TryWrite(Samples.At(i * 10).Acc(9.81f)));
        }

        WaitUntil(() => loop.Snapshot().SamplesProcessed == 300, "300 samples");
        stop.Cancel();
        Assert.True(run.Wait(Patience));

        Assert.Equal(300, loop.History.NextSequence);
        Assert.Equal(172, loop.History.OldestSequence);
        var window = new LiftSample[64];
        var count = loop.History.CopyWindow(2_000_000, 2_100_000, window);
        Assert.Equal(11, count);
        Assert.Equal(2_000_000, window[0].TimeMicros);
        Assert.Equal(2_100_000, window[10].TimeMicros);
        // Older than the ring: only what is still held (less the slot a concurrent writer could be overwriting).
        count = loop.History.CopyWindow(0, 1_750_000, window);
        Assert.Equal(1_730_000, window[0].TimeMicros);
        Assert.Equal(3, count);
        var bySequence = new LiftSample[10];
        Assert.Equal(10, loop.History.Copy(0, bySequence));
        Assert.Equal(1_720_000, bySequence[0].TimeMicros);
    }

    [Fact]
    public void Many_producers_one_consumer_every_sample_once_and_in_order_per_producer()
    {
        const int producers = 4;
        const int perProducer = 20_000;
        var queue = new SampleQueue(256);
        var threads = Enumerable.Range(0, producers).Select(p => new Thread(() =>
        {
            for (var i = 0; i < perProducer; i++)
            {
                var sample = Samples.At(0).Floor(p).Fault(i).Sample;
                var spins = new SpinWait();
                while (!queue.TryEnqueue(in sample))
                {
                    spins.SpinOnce();
                }
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        var next = new int[producers];
        var received = 0;
        var watch = Stopwatch.StartNew();
        while (received < producers * perProducer)
        {
            Assert.True(watch.Elapsed < Patience, "consumer starved");
            if (queue.TryDequeue(out var s))
            {
                Assert.Equal(next[s.Floor], s.Fault);
                next[s.Floor]++;
                received++;
            }
        }

        threads.ForEach(t => t.Join());
        Assert.False(queue.TryDequeue(out _));
        Assert.All(next, n => Assert.Equal(perProducer, n));
    }

    [Fact]
    public void Latency_histogram_percentiles_are_within_one_bucket()
    {
        var histogram = new LatencyHistogram();
        for (var i = 1; i <= 1000; i++)
        {
            histogram.Record(i);
        }

        Assert.Equal(1000, histogram.Count);
        Assert.InRange(histogram.Percentile(50), 500, 500 * 1.125);
        Assert.InRange(histogram.Percentile(99), 990, 1000);
        Assert.Equal(1000, histogram.MaxMicros);
        Assert.True(new HotLoopOptionsValidator().Validate(null, new HotLoopOptions()).Succeeded);
        var bad = new HotLoopOptionsValidator().Validate(null, new HotLoopOptions { QueueCapacity = 1, HistorySeconds = 0 });
        Assert.Equal(2, bad.Failures!.Count());
    }
}
