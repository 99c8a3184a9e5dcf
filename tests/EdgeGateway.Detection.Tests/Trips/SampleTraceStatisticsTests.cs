using System.Text.Json;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Signals;
using EdgeGateway.Detection.BlackBox;
using EdgeGateway.Detection.Kpi;
using EdgeGateway.Detection.Pipeline;
using EdgeGateway.Detection.RideQuality;
using EdgeGateway.Detection.Tests.BlackBox;
using EdgeGateway.Detection.Tests.Kpi;
using EdgeGateway.Detection.Tests.Support;
using EdgeGateway.Detection.Tracing;
using EdgeGateway.Detection.Trips;
using EdgeGateway.Testing.Files;
using Xunit.Abstractions;

namespace EdgeGateway.Detection.Tests.Trips;

/// <summary>
/// The sample traces (an independent simulator's recordings) through the production engine with every statistics
/// stage attached, as the live service wires them: history ring written before the engine sees a sample.
/// </summary>
public sealed class SampleTraceStatisticsTests(ITestOutputHelper output)
{
    private sealed class Run : IDisposable, IEventSink
    {
        public Run(string name)
        {
            using var reader = TraceReader.Open(SampleTraces.TracePath(name));
            Header = reader.Header;
            var profile = Header.ToProfile();
            var options = new DetectionOptions();
            var wall = new TraceWallTimeMapper(Header.Start);
            Kpi = new KpiTracker(new KpiOptions(), wall);
            Trips = new TripStage(new DetectionContext(profile, options), new TripOptions(), new RideQualityOptions(), [TripSink, Counters, Kpi, new TripLogWriter(TripLog, leaveOpen: true)]);
            var ring = new TestSampleRing(1 << 15);
            BlackBox = new BlackBoxService(Dir.Path, new BlackBoxOptions(), profile, ring, wall, Captures, Logs);
            var engine = new DetectionEngine(profile, options, this, [Trips, Counters, Kpi, BlackBox.Recorder]);
            while (reader.TryRead(out var sample))
            {
                ring.Write(sample);
                engine.Process(sample);
            }

            BlackBox.Recorder.Flush(engine.State);
            BlackBox.DrainQueue();
        }

        public TraceHeader Header { get; }

        public TempDirectory Dir { get; } = new();

        public CapturingLoggerFactory Logs { get; } = new();

        public CollectingTripSink TripSink { get; } = new();

        public MemoryStream TripLog { get; } = new();

        public LiftCounters Counters { get; } = new();

        public KpiTracker Kpi { get; }

        public TripStage Trips { get; }

        public BlackBoxService BlackBox { get; }

        public CollectingCaptureSink Captures { get; } = new();

        public List<LiftEvent> Events { get; } = [];

        public void OnEvent(in LiftEvent liftEvent) => Events.Add(liftEvent);

        public void Dispose() => Dir.Dispose();
    }

    [Fact]
    public void Normal_traffic_gives_levelled_trips_with_plausible_ride_quality_and_no_captures()
    {
        using var run = new Run("normal");
        var trips = run.TripSink.Trips;

        // Independent count: run false→true edges in the trace's own lines.
        Assert.Equal(CountRunStarts(SampleTraces.TracePath("normal")), trips.Count);
        Assert.All(trips, t => Assert.True(t.Levelled));
        Assert.All(trips, t => Assert.True(t.DurationMicros > 0));
        var runs = trips.Where(t => t.Kind == TripKind.Run).ToList();
        Assert.NotEmpty(runs);
        Assert.All(runs.Where(t => t.FromFloor != t.ToFloor), t => Assert.Equal(t.ToFloor > t.FromFloor ? TravelDirection.Up : TravelDirection.Down, t.Direction));
        Assert.All(runs, t => Assert.InRange(t.MaxSpeedMmS!.Value, 50, run.Header.RatedSpeedMmS));

        // This simulator accelerates at about 0.9 m/s²; its vibration is sensor noise well inside GB/T 10058's 0.30 m/s².
        var rides = runs.Where(t => t.RideQuality is not null).Select(t => t.RideQuality!.Value).ToList();
        Assert.Equal(runs.Count, rides.Count);
        Assert.All(rides, r => Assert.InRange(r.MaxAccelerationMs2, 0.5, 1.5));
        Assert.All(rides, r => Assert.InRange(r.MaxDecelerationMs2, 0.5, 1.5));
        Assert.All(rides.Where(r => r.VibrationPairCount > 0), r =>
        {
            Assert.InRange(r.VibrationA95Ms2, 0.001, r.VibrationMaxPeakToPeakMs2);
            Assert.True(r.VibrationMaxPeakToPeakMs2 < 0.3, $"p-p {r.VibrationMaxPeakToPeakMs2}");
        });
        Assert.Contains(rides, r => r.VibrationPairCount > 20);
        foreach (var line in System.Text.Encoding.UTF8.GetString(run.TripLog.ToArray()).Split('\n').Take(4))
        {
            output.WriteLine(line);
        }

        var counters = run.Counters.Snapshot();
        Assert.Equal(runs.Count, counters.Runs);
        Assert.True(counters.DoorCycles >= runs.Count / 2);
        Assert.Equal(trips.Sum(t => t.DistanceMm), counters.DistanceMm);

        var summary = run.Kpi.GetSummary(DateOnly.FromDateTime(run.Header.Start!.Value.UtcDateTime));
        Assert.Equal(runs.Count, summary.Runs);
        Assert.Equal(0, summary.EquipmentFaults);
        Assert.Equal(0, summary.DowntimeEpisodes);
        Assert.Empty(run.Captures.Captures);
    }

    [Fact]
    public void Stuck_between_floors_gives_a_rescue_episode_and_black_box_captures_that_replay()
    {
        using var run = new Run("stuck_between_floors");
        var rescue = Assert.Single(run.Kpi.Snapshot().Rescues);
        // Reference events: entrapment raised 261.8 s, inspection 737.5 s, entrapment cleared 761.3 s.
        Assert.Equal(RescueArrival.Inspection, rescue.ArrivedBy);
        Assert.Equal(737.5 - 261.8, rescue.ArrivalSeconds!.Value, 1);
        Assert.Equal(761.3 - 261.8, rescue.ReleaseSeconds!.Value, 1);
        Assert.Equal(run.Header.Start!.Value.AddSeconds(261.8), rescue.Start!.Value, TimeSpan.FromMilliseconds(300));

        var summary = run.Kpi.GetSummary(DateOnly.FromDateTime(run.Header.Start!.Value.UtcDateTime));
        Assert.True(summary.EquipmentFaults >= 3); // controller fault, outside door zone, entrapment (the alarm button is not one)
        Assert.Equal(1, summary.RescueEpisodes);

        // controller_fault at 233 s, stopped_outside_door_zone at 241.8 s and entrapment at 261.8 s are one incident,
        // one capture; the alarm press at 496.9 s is another.
        Assert.Equal(2, run.Captures.Captures.Count);
        var incident = run.Captures.Captures[0];
        Assert.Equal([EventType.ControllerFault, EventType.StoppedOutsideDoorZone, EventType.Entrapment], incident.Events.Select(e => e.Type));
        Assert.Equal(EventType.AlarmButton, Assert.Single(run.Captures.Captures[1].Events).Type);

        // The capture is a valid edge-trace/1 and replays to the entrapment it recorded.
        using var events = new MemoryStream();
        using (var file = File.OpenRead(incident.FilePath))
        {
            TraceReplay.Run(file, events, new DetectionOptions());
        }

        var replayed = LoggedEvent.ParseLog(System.Text.Encoding.UTF8.GetString(events.ToArray()));
        var entrapment = Assert.Single(replayed, e => e.Type == "entrapment" && e.Phase == "raised");
        // Replay time is relative to the capture's start.
        Assert.Equal(261_800.0, entrapment.TimeMs + (incident.StartMicros / 1000.0), 0);
    }

    [Fact]
    public void Trip_log_is_valid_json_lines_and_identical_run_after_run()
    {
        using var first = new Run("overspeed_and_safety_gear");
        using var second = new Run("overspeed_and_safety_gear");
        var bytes = first.TripLog.ToArray();
        Assert.Equal(bytes, second.TripLog.ToArray());
        var lines = System.Text.Encoding.UTF8.GetString(bytes).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(first.TripSink.Trips.Count, lines.Length);
        for (var i = 0; i < lines.Length; i++)
        {
            using var doc = JsonDocument.Parse(lines[i]);
            var trip = first.TripSink.Trips[i];
            Assert.Equal(trip.StartMicros / 1000.0, doc.RootElement.GetProperty("start").GetDouble());
            Assert.Equal(trip.DistanceMm, doc.RootElement.GetProperty("distance_mm").GetInt64());
        }
    }

    private static int CountRunStarts(string path)
    {
        var count = 0;
        bool? running = null;
        foreach (var line in File.ReadLines(path).Skip(1))
        {
            if (!line.Contains("\"run\"", StringComparison.Ordinal))
            {
                continue;
            }

            using var doc = JsonDocument.Parse(line);
            var now = doc.RootElement.GetProperty("run").GetBoolean();
            if (running == false && now)
            {
                count++;
            }

            running = now;
        }

        return count;
    }
}
