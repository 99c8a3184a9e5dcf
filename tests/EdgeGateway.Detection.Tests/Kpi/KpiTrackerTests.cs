using EdgeGateway.Core.Events;
using EdgeGateway.Core.Signals;
using EdgeGateway.Detection.Kpi;
using EdgeGateway.Detection.Tests.Trips;
using EdgeGateway.Detection.Trips;
using EdgeGateway.Testing.Files;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.Detection.Tests.Kpi;

public sealed class KpiTrackerTests : IDisposable
{
    private const long S = 1_000_000;
    private static readonly DateTimeOffset Midnight = new(2026, 11, 23, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly Day = new(2026, 11, 23);

    private readonly TempDirectory _dir = new();
    private readonly FakeTimeProvider _time = new(Midnight);
    private readonly CapturingLoggerFactory _logs = new();
    private readonly KpiTracker _kpi = new(new KpiOptions(), new TraceWallTimeMapper(Midnight));

    public void Dispose() => _dir.Dispose();

    private static LiftEvent Raised(long t, EventType type) => new(t, type, EventPhase.Raised, 3, EventDetail.None);

    private static LiftEvent Cleared(long t, EventType type) => new(t, type, EventPhase.Cleared, 3, EventDetail.None);

    private static LiftEvent Instant(long t, EventType type) => new(t, type, EventPhase.Instant, 3, EventDetail.None);

    private static TripRecord Trip(long start, long end, TripKind kind = TripKind.Run, LiftMode mode = LiftMode.Normal, bool levelled = true) =>
        new(start, end, 1, 2, TravelDirection.Up, 1000, levelled, kind, mode, mode, 3000, null);

    [Fact]
    public void Counts_equipment_faults_per_10000_runs_excluding_power_alarm_button_mode_and_box_health()
    {
        for (var i = 0; i < 200; i++)
        {
            _kpi.OnTrip(Trip(i * 60 * S, (i * 60 * S) + (10 * S)));
        }

        _kpi.OnTrip(Trip(1, 2, TripKind.Relevelling)); // not a run
        _kpi.OnEvent(Raised(100 * S, EventType.DoorCloseFailure));
        _kpi.OnEvent(Cleared(130 * S, EventType.DoorCloseFailure)); // a cleared event is not another fault
        _kpi.OnEvent(Instant(200 * S, EventType.EmergencyStop));
        _kpi.OnEvent(Raised(300 * S, EventType.Entrapment));
        _kpi.OnEvent(Raised(400 * S, EventType.PowerLoss));
        _kpi.OnEvent(Instant(410 * S, EventType.AlarmButton));
        _kpi.OnEvent(Instant(420 * S, EventType.ModeChange));
        _kpi.OnEvent(Raised(430 * S, EventType.Inspection));
        _kpi.OnEvent(Raised(440 * S, EventType.LinkLost));
        _kpi.OnEvent(Raised(450 * S, EventType.SensorFault));
        _kpi.OnEvent(Instant(460 * S, EventType.TestAlarm));

        var summary = _kpi.GetSummary(Day);
        Assert.Equal(200, summary.Runs);
        Assert.Equal(3, summary.EquipmentFaults);
        Assert.Equal(150.0, summary.FaultsPer10000Runs);
        Assert.Equal(200, summary.RunsOnDay);
        Assert.Null(new KpiTracker(new KpiOptions(), new TraceWallTimeMapper(Midnight)).GetSummary(Day).FaultsPer10000Runs);
    }

    [Fact]
    public void Downtime_runs_from_the_fault_to_the_first_completed_normal_trip_that_began_after_it()
    {
        _kpi.OnTrip(Trip(90 * S, 110 * S)); // under way when the fault came: does not end it
        _kpi.OnEvent(Raised(100 * S, EventType.SafetyCircuitOpen));
        _kpi.OnEvent(Instant(150 * S, EventType.EmergencyStop)); // same stoppage
        _kpi.OnTrip(Trip(200 * S, 201 * S, TripKind.Relevelling));
        _kpi.OnTrip(Trip(250 * S, 260 * S, mode: LiftMode.Inspection)); // the technician moving the car
        _kpi.OnTrip(Trip(300 * S, 310 * S, levelled: false)); // stopped outside the zone
        Assert.True(_kpi.GetSummary(Day).DowntimeOpen);
        _kpi.OnTrip(Trip(400 * S, 410 * S));

        var summary = _kpi.GetSummary(Day);
        Assert.False(summary.DowntimeOpen);
        Assert.Equal(1, summary.DowntimeEpisodes);
        Assert.Equal(310.0, summary.MeanDowntimeSeconds);
        Assert.Equal(310.0, summary.MaxDowntimeSeconds);
        var episode = Assert.Single(_kpi.Snapshot().Downtime);
        Assert.Equal("safety_circuit_open", episode.Cause);
        Assert.Equal(Midnight.AddSeconds(100), episode.Start);
        Assert.Equal(Midnight.AddSeconds(410), episode.End);
    }

    [Fact]
    public void Rescue_arrival_is_the_first_of_inspection_mode_or_a_technician_check_in()
    {
        var driver = new StageDriver(_kpi);
        driver.Feed(SyntheticLift.Rest(0, 3));

        // 1: arrival by inspection mode, then a check-in that changes nothing.
        _kpi.OnEvent(Raised(1000 * S, EventType.Entrapment));
        driver.Feed(SyntheticLift.Rest(1600 * S, 3) with { Mode = LiftMode.Inspection });
        Assert.False(_kpi.TechnicianCheckIn(1700 * S));
        _kpi.OnEvent(Cleared(1900 * S, EventType.Entrapment));

        // 2: arrival by check-in, inspection later changes nothing.
        driver.Feed(SyntheticLift.Rest(2000 * S, 3));
        _kpi.OnEvent(Raised(3000 * S, EventType.Entrapment));
        Assert.True(_kpi.TechnicianCheckIn(3300 * S));
        driver.Feed(SyntheticLift.Rest(3400 * S, 3) with { Mode = LiftMode.Inspection });
        _kpi.OnEvent(Cleared(3500 * S, EventType.Entrapment));

        // 3: the passenger got out without a rescuer.
        _kpi.OnEvent(Raised(5000 * S, EventType.Entrapment));
        _kpi.OnEvent(Cleared(5100 * S, EventType.Entrapment));

        Assert.False(_kpi.TechnicianCheckIn(6000 * S)); // nobody trapped
        var rescues = _kpi.Snapshot().Rescues;
        Assert.Equal(3, rescues.Count);
        Assert.Equal(new RescueEpisode(Midnight.AddSeconds(1000), Midnight.AddSeconds(1900), 600, 900, RescueArrival.Inspection), rescues[0]);
        Assert.Equal(new RescueEpisode(Midnight.AddSeconds(3000), Midnight.AddSeconds(3500), 300, 500, RescueArrival.TechnicianCheckIn), rescues[1]);
        Assert.Equal(new RescueEpisode(Midnight.AddSeconds(5000), Midnight.AddSeconds(5100), null, 100, RescueArrival.None), rescues[2]);

        var summary = _kpi.GetSummary(Day);
        Assert.Equal(3, summary.RescueEpisodes);
        Assert.Equal(450.0, summary.MeanRescueArrivalSeconds);
        Assert.Equal(600.0, summary.MaxRescueArrivalSeconds);
        Assert.Equal(500.0, summary.MeanRescueReleaseSeconds);
    }

    [Fact]
    public void The_window_rolls_over_days()
    {
        var kpi = new KpiTracker(new KpiOptions { WindowDays = 2 }, new TraceWallTimeMapper(Midnight));
        const long DayMicros = 86_400 * S;
        kpi.OnTrip(Trip(0, 10 * S));
        kpi.OnEvent(Raised(20 * S, EventType.ControllerFault));
        kpi.OnTrip(Trip(30 * S, 40 * S)); // ends the downtime on day 1
        kpi.OnTrip(Trip(DayMicros, DayMicros + (10 * S)));
        kpi.OnTrip(Trip((2 * DayMicros) + 1, (2 * DayMicros) + (10 * S)));

        Assert.Equal(2, kpi.GetSummary(Day).Runs);
        Assert.Equal(1, kpi.GetSummary(Day).EquipmentFaults);
        Assert.Equal(1, kpi.GetSummary(Day).DowntimeEpisodes);
        var third = kpi.GetSummary(Day.AddDays(2));
        Assert.Equal(2, third.Runs);
        Assert.Equal(0, third.EquipmentFaults);
        Assert.Equal(0, third.DowntimeEpisodes);
        Assert.Equal(1, third.RunsOnDay);
    }

    [Fact]
    public void The_local_day_follows_the_configured_offset()
    {
        var kpi = new KpiTracker(new KpiOptions { DayOffsetMinutes = 480 }, new TraceWallTimeMapper(Midnight));
        // 17:00 UTC is 01:00 the next day in China.
        kpi.OnTrip(Trip(17 * 3600 * S, (17 * 3600 * S) + 1));
        Assert.Equal(1, kpi.GetSummary(Day.AddDays(1)).RunsOnDay);
        Assert.Equal(0, kpi.GetSummary(Day).RunsOnDay);
    }

    [Fact]
    public void Without_a_synchronised_clock_counts_are_kept_undated_and_durations_come_from_the_monotonic_clock()
    {
        var kpi = new KpiTracker(new KpiOptions(), new TraceWallTimeMapper(null));
        kpi.OnTrip(Trip(0, 10 * S));
        kpi.OnEvent(Raised(20 * S, EventType.Overspeed));
        kpi.OnTrip(Trip(30 * S, 45 * S));
        var summary = kpi.GetSummary(Day);
        Assert.Equal(2, summary.Runs);
        Assert.Equal(1, summary.EquipmentFaults);
        Assert.Equal(25.0, summary.MeanDowntimeSeconds);
        var history = kpi.Snapshot();
        Assert.Equal(2, history.UndatedRuns);
        Assert.Null(Assert.Single(history.Downtime).Start);
    }

    [Fact]
    public void History_round_trips_through_its_file_format()
    {
        _kpi.OnTrip(Trip(0, 10 * S));
        _kpi.OnEvent(Raised(20 * S, EventType.Overspeed));
        _kpi.OnTrip(Trip(30 * S, 45 * S));
        _kpi.OnEvent(Raised(50 * S, EventType.Entrapment));
        _kpi.TechnicianCheckIn(60 * S);
        _kpi.OnEvent(Cleared(70 * S, EventType.Entrapment));
        _kpi.OnEvent(Raised(80 * S, EventType.DoorOpenFailure));
        _kpi.OnEvent(Raised(90 * S, EventType.Entrapment));
        _kpi.LastReportedDay = Day.AddDays(-1);
        var snapshot = _kpi.Snapshot();

        Assert.True(KpiHistoryStore.TryParse(KpiHistoryStore.Serialize(snapshot), out var back, out var problem), problem);
        Assert.Equal(snapshot.Days, back.Days);
        Assert.Equal(snapshot.Downtime, back.Downtime);
        Assert.Equal(snapshot.Rescues, back.Rescues);
        Assert.Equal(snapshot.OpenDowntime, back.OpenDowntime);
        Assert.Equal(snapshot.OpenRescue, back.OpenRescue);
        Assert.Equal(snapshot.LastReportedDay, back.LastReportedDay);
        // The entrapment at 50 s stopped service; no normal trip since, so that downtime is still open.
        Assert.Equal(EventType.Entrapment, back.OpenDowntime!.Cause);
        Assert.Equal(Midnight.AddSeconds(90), back.OpenRescue!.Start);
    }

    [Fact]
    public async Task Kpis_and_an_open_rescue_survive_a_restart()
    {
        var wall = new SettableWallClock(Midnight.AddHours(1));
        var options = new KpiOptions();
        var sink = new CollectingSummarySink();

        var first = new KpiService(_dir.Path, options, new TraceWallTimeMapper(Midnight), wall, sink, _time, _logs);
        using (var cts = new CancellationTokenSource())
        {
            var run = first.RunAsync(cts.Token);
            await first.Loaded;
            first.Tracker.OnTrip(Trip(0, 10 * S));
            first.Tracker.OnEvent(Raised(100 * S, EventType.Entrapment));
            await cts.CancelAsync();
            await run;
        }

        // The service restarts: its monotonic clock starts again from zero, 1000 s of wall time later.
        var second = new KpiService(_dir.Path, options, new TraceWallTimeMapper(Midnight.AddSeconds(1000)), wall, sink, _time, _logs);
        using (var cts = new CancellationTokenSource())
        {
            var run = second.RunAsync(cts.Token);
            Assert.Equal(DataFileStatus.Loaded, (await second.Loaded).Status);
            Assert.True(second.Tracker.TechnicianCheckIn(200 * S)); // wall 1200 s
            second.Tracker.OnEvent(Cleared(500 * S, EventType.Entrapment)); // wall 1500 s
            await cts.CancelAsync();
            await run;
        }

        var summary = second.Tracker.GetSummary(Day);
        Assert.Equal(1, summary.Runs);
        Assert.Equal(1, summary.EquipmentFaults); // entrapment is an equipment fault
        Assert.Equal(1, summary.RescueEpisodes);
        Assert.Equal(1100.0, summary.MeanRescueArrivalSeconds);
        Assert.Equal(1400.0, summary.MeanRescueReleaseSeconds);
        Assert.True(summary.DowntimeOpen); // no normal trip since
    }

    [Fact]
    public async Task A_corrupt_history_is_quarantined_and_kpis_start_over()
    {
        var path = Path.Combine(_dir.Path, KpiHistoryStore.DefaultFileName);
        await File.WriteAllTextAsync(path, "{\"format\":\"edge-kpi/1\",\"days\":[[\"2026-13-45\",1,0]]}");
        var service = new KpiService(_dir.Path, new KpiOptions(), new TraceWallTimeMapper(Midnight), new SettableWallClock(Midnight), new CollectingSummarySink(), _time, _logs);
        using var cts = new CancellationTokenSource();
        var run = service.RunAsync(cts.Token);
        var load = await service.Loaded;
        Assert.Equal(DataFileStatus.Quarantined, load.Status);
        Assert.Contains(path, load.Error);
        Assert.True(File.Exists(load.QuarantinePath));
        Assert.Equal(0, service.Tracker.GetSummary(Day).Runs);
        await cts.CancelAsync();
        await run;
        Assert.True(File.Exists(path)); // a fresh history was written on stop
    }

    [Fact]
    public async Task Each_finished_day_is_reported_once_also_across_restarts()
    {
        var wall = new SettableWallClock(Midnight.AddHours(10), synchronized: false);
        var sink = new CollectingSummarySink();
        var service = new KpiService(_dir.Path, new KpiOptions(), new TraceWallTimeMapper(Midnight), wall, sink, _time, _logs);
        using (var cts = new CancellationTokenSource())
        {
            var run = service.RunAsync(cts.Token);
            await service.Loaded;
            Assert.Equal(0, service.ReportFinishedDays()); // no trusted clock: no day boundary to speak of
            wall.IsSynchronized = true;
            Assert.Equal(1, service.ReportFinishedDays()); // yesterday
            Assert.Equal(0, service.ReportFinishedDays());
            service.Tracker.OnTrip(Trip(3600 * S, 3610 * S));
            wall.UtcNow = Midnight.AddDays(1).AddMinutes(1);
            Assert.Equal(1, service.ReportFinishedDays());
            Assert.Equal(Day, sink.Summaries[^1].Day);
            Assert.Equal(1, sink.Summaries[^1].RunsOnDay);
            await cts.CancelAsync();
            await run;
        }

        var again = new KpiService(_dir.Path, new KpiOptions(), new TraceWallTimeMapper(Midnight), wall, sink, _time, _logs);
        using (var cts = new CancellationTokenSource())
        {
            var run = again.RunAsync(cts.Token);
            await again.Loaded;
            Assert.Equal(0, again.ReportFinishedDays());
            wall.UtcNow = Midnight.AddDays(4);
            Assert.Equal(3, again.ReportFinishedDays()); // the days missed while off
            await cts.CancelAsync();
            await run;
        }

        Assert.Equal(5, sink.Summaries.Count);
    }

    [Fact]
    public void Live_wall_time_counts_back_from_now_and_is_unknown_until_the_clock_is_synchronised()
    {
        var wall = new SettableWallClock(Midnight.AddHours(2), synchronized: false);
        var monotonicNow = 500 * S;
        var mapper = new LiveWallTimeMapper(wall, () => monotonicNow);
        Assert.Null(mapper.ToWall(400 * S));
        wall.IsSynchronized = true;
        Assert.Equal(Midnight.AddHours(2).AddSeconds(-100), mapper.ToWall(400 * S));
        Assert.Equal(Midnight.AddSeconds(1.5), new TraceWallTimeMapper(Midnight).ToWall(1_500_000));
        Assert.Null(new TraceWallTimeMapper(null).ToWall(1));
    }

    [Fact]
    public void Options_validator_reports_every_bad_key()
    {
        var result = new KpiOptionsValidator().Validate(null, new KpiOptions { WindowDays = 0, DayOffsetMinutes = 9999, SaveIntervalSeconds = 0, MaxEpisodes = 0, FileName = "" });
        foreach (var key in new[] { "WindowDays", "DayOffsetMinutes", "SaveIntervalSeconds", "MaxEpisodes", "FileName" })
        {
            Assert.Contains("Detection:Kpi:" + key, result.FailureMessage);
        }
    }

    private sealed class CollectingSummarySink : IKpiSummarySink
    {
        public List<KpiSummary> Summaries { get; } = [];

        public void OnDailySummary(KpiSummary summary) => Summaries.Add(summary);
    }
}
