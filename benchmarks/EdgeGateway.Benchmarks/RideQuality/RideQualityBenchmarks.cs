using BenchmarkDotNet.Attributes;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Lift;
using EdgeGateway.Core.Signals;
using EdgeGateway.Detection;
using EdgeGateway.Detection.BlackBox;
using EdgeGateway.Detection.HotLoop;
using EdgeGateway.Detection.Kpi;
using EdgeGateway.Detection.Pipeline;
using EdgeGateway.Detection.RideQuality;
using EdgeGateway.Detection.Trips;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeGateway.Benchmarks.RideQuality;

/// <summary>
/// Cost per sample of trips and ride quality, and of every statistics stage together, on a synthetic stream of busy
/// traffic: a 200 Hz accelerometer plus controller lines every 100 ms, a trip every 30 s (20 s moving, with a
/// vibration in the cruise). One operation is one sample, so Mean is ns per sample and Allocated must be 0 B.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class RideQualityBenchmarks
{
    private const int Seconds = 600;
    private LiftSample[] _samples = [];
    private ButterworthLowPass _filter = null!;
    private RideQualityMeter _meter = null!;
    private float[] _accZ = [];
    private DetectionEngine _engineOnly = null!;
    private DetectionEngine _engineWithTrips = null!;
    private DetectionEngine _engineWithAll = null!;
    private SampleHistory _ring = null!;

    [GlobalSetup]
    public void Setup()
    {
        _samples = BusyTraffic(Seconds);
        _accZ = [.. _samples.Where(s => s.Set == SignalMask.Acc).Select(s => s.AccZ)];
        _filter = new ButterworthLowPass(10, 200);
        _meter = new RideQualityMeter(new RideQualityOptions { SampleRateHz = 200 }, 9.81);
        var profile = LiftProfile.Default;
        var options = new DetectionOptions();
        var context = new DetectionContext(profile, options);
        _engineOnly = new DetectionEngine(profile, options, NullSink.Instance);
        _engineWithTrips = new DetectionEngine(profile, options, NullSink.Instance,
            [new TripStage(context, new TripOptions(), new RideQualityOptions(), [NullTrips.Instance])]);

        var counters = new LiftCounters();
        var kpi = new KpiTracker(new KpiOptions(), new TraceWallTimeMapper(DateTimeOffset.UnixEpoch));
        _ring = new SampleHistory(1 << 15);
        var blackBox = new BlackBoxService(Path.GetTempPath(), new BlackBoxOptions(), profile, new HotLoopSampleHistory(_ring),
            new TraceWallTimeMapper(null), NullCaptures.Instance, NullLoggerFactory.Instance);
        _engineWithAll = new DetectionEngine(profile, options, NullSink.Instance,
            [new TripStage(context, new TripOptions(), new RideQualityOptions(), [counters, kpi]), counters, kpi, blackBox.Recorder]);

        // Warm: every path once (rate probe, first trips, JIT).
        EngineOnly();
        EngineWithTrips();
        EngineWithAllStatistics();
    }

    [Benchmark(OperationsPerInvoke = Seconds * 200)]
    public double ButterworthPerAccelerometerSample()
    {
        var filter = _filter;
        double y = 0;
        foreach (var z in _accZ)
        {
            y = filter.Process(z);
        }

        return y;
    }

    [Benchmark(OperationsPerInvoke = Seconds * 200)]
    public double RideQualityMeterPerAccelerometerSampleInTrip()
    {
        var meter = _meter;
        meter.BeginTrip(0, controllerSpeedKnown: false, 0);
        var t = 0L;
        foreach (var z in _accZ)
        {
            meter.OnAcceleration(t += 5_000, z);
        }

        return meter.EndTrip(t, TravelDirection.Up)?.MaxAccelerationMs2 ?? 0;
    }

    /// <summary>The engine with its rules and no stage: the baseline the stages add to.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Seconds * 220)]
    public long EngineOnly() => Feed(_engineOnly, null);

    [Benchmark(OperationsPerInvoke = Seconds * 220)]
    public long EngineWithTrips() => Feed(_engineWithTrips, null);

    /// <summary>Trips and ride quality, counters, KPIs and the black-box recorder (idle: no grade 1–2 event).</summary>
    [Benchmark(OperationsPerInvoke = Seconds * 220)]
    public long EngineWithAllStatistics() => Feed(_engineWithAll, _ring);

    private long Feed(DetectionEngine engine, SampleHistory? ring)
    {
        // Each invocation continues in time, so trips keep coming and nothing is "new" to the engine.
        var offset = engine.NowMicros == long.MinValue ? 0 : engine.NowMicros + 5_000;
        var samples = _samples;
        for (var i = 0; i < samples.Length; i++)
        {
            var s = samples[i] with { TimeMicros = samples[i].TimeMicros + offset };
            ring?.Add(s);
            engine.Process(in s);
        }

        return engine.SamplesProcessed;
    }

    /// <summary>Exactly 220 samples a second: 200 accelerometer lines and 20 controller lines (10 Hz speed, 10 Hz others).</summary>
    private static LiftSample[] BusyTraffic(int seconds)
    {
        var samples = new List<LiftSample>(seconds * 220);
        var floor = 1;
        for (var ms = 0L; ms < seconds * 1000L; ms += 5)
        {
            var t = ms * 1000;
            var cycle = ms % 30_000;
            var moving = cycle is >= 5_000 and < 25_000;
            var tau = (cycle - 5_000) / 1000.0;
            // 1.5 s ramps at 1 m/s² to 1.5 m/s, cruise with a 3 Hz vibration, ramp down.
            var a = !moving ? 0 : tau < 1.5 ? 1.0 : tau < 18.5 ? 0.03 * Math.Sin(2 * Math.PI * 3 * tau) : tau < 20 ? -1.0 : 0;
            if (ms % 50 == 0)
            {
                var speed = !moving ? 0 : tau < 1.5 ? (int)(tau * 1000) : tau < 18.5 ? 1500 : (int)((20 - tau) * 1000);
                if (cycle == 25_000)
                {
                    floor = floor == 1 ? 8 : 1;
                }

                samples.Add(new LiftSample(t, SignalMask.Controller | SignalMask.Link | SignalMask.Zone, LiftMode.Normal, floor,
                    moving ? TravelDirection.Up : TravelDirection.None, moving, DoorState.Closed, true, true, 0, speed, true,
                    !moving || tau > 19.7, false, false, true, 0, 0, 0));
            }

            samples.Add(LiftSample.Acceleration(t, 0.01f, -0.01f, (float)(9.81 + a)));
        }

        return [.. samples];
    }

    private sealed class NullSink : IEventSink
    {
        public static readonly NullSink Instance = new();

        public void OnEvent(in LiftEvent liftEvent)
        {
        }
    }

    private sealed class NullTrips : ITripSink
    {
        public static readonly NullTrips Instance = new();

        public void OnTrip(in TripRecord trip)
        {
        }
    }

    private sealed class NullCaptures : IBlackBoxSink
    {
        public static readonly NullCaptures Instance = new();

        public void OnCapture(BlackBoxCapture capture)
        {
        }
    }
}
