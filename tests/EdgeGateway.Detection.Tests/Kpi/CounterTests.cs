using EdgeGateway.Core.Signals;
using EdgeGateway.Core.Storage;
using EdgeGateway.Detection.Kpi;
using EdgeGateway.Detection.Tests.Trips;
using EdgeGateway.Detection.Trips;
using EdgeGateway.Testing.Files;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.Detection.Tests.Kpi;

public sealed class CounterTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero));
    private readonly CapturingLoggerFactory _logs = new();

    public void Dispose() => _dir.Dispose();

    private static TripRecord Trip(long start, long end, TripKind kind = TripKind.Run, long distance = 3000) =>
        new(start, end, 1, 2, TravelDirection.Up, 1000, true, kind, LiftMode.Normal, LiftMode.Normal, distance, null);

    [Fact]
    public void Counts_runs_running_time_distance_and_door_cycles()
    {
        var counters = new LiftCounters();
        counters.OnTrip(Trip(0, 5_000_000));
        counters.OnTrip(Trip(10_000_000, 11_000_000, TripKind.Relevelling, 20));
        var driver = new StageDriver(counters);
        driver.Feed(SyntheticLift.Rest(0, 1));
        foreach (var (t, door) in new[] { (1, DoorState.Opening), (2, DoorState.Open), (3, DoorState.Closing), (4, DoorState.Opening), (5, DoorState.Closing), (6, DoorState.Closed), (7, DoorState.Opening), (8, DoorState.Closed) })
        {
            driver.Feed(new LiftSample(t * 1_000_000L, SignalMask.Door, default, 0, default, false, door, false, false, 0, 0, false, false, false, false, false, 0, 0, 0));
        }

        var values = counters.Snapshot();
        Assert.Equal(1, values.Runs); // re-levelling is not a run
        Assert.Equal(6_000_000, values.RunningMicros);
        Assert.Equal(3020, values.DistanceMm);
        Assert.Equal(2, values.DoorCycles); // the reversal belongs to the first cycle
    }

    [Fact]
    public async Task Counters_survive_a_restart_and_are_saved_periodically_not_per_change()
    {
        var options = new CounterOptions { SaveIntervalSeconds = 60 };
        var first = new CounterService(_dir.Path, options, _time, _logs);
        using (var cts = new CancellationTokenSource())
        {
            var run = first.RunAsync(cts.Token);
            Assert.Equal(DataFileStatus.Missing, (await first.Loaded).Status);
            first.Counters.OnTrip(Trip(0, 3_600_000_000));
            Assert.False(File.Exists(first.FilePath)); // nothing written before the interval
            _time.Advance(TimeSpan.FromSeconds(60));
            await WaitUntil(() => File.Exists(first.FilePath));
            first.Counters.OnTrip(Trip(0, 1_000_000));
            await cts.CancelAsync();
            await run; // saves once more on stop
        }

        var second = new CounterService(_dir.Path, options, _time, _logs);
        using (var cts = new CancellationTokenSource())
        {
            var run = second.RunAsync(cts.Token);
            Assert.Equal(DataFileStatus.Loaded, (await second.Loaded).Status);
            var values = second.Counters.Snapshot();
            Assert.Equal(2, values.Runs);
            Assert.Equal(3_601_000_000, values.RunningMicros);
            Assert.Equal(1.0, values.RunningHours, 3);
            Assert.Equal(6000, values.DistanceMm);
            await cts.CancelAsync();
            await run;
        }

        Assert.False(File.Exists(first.FilePath + AtomicFile.TempSuffix));
    }

    [Fact]
    public async Task A_corrupt_counter_file_is_quarantined_with_an_error_naming_it_and_counting_restarts_from_zero()
    {
        var path = Path.Combine(_dir.Path, CounterStore.DefaultFileName);
        await File.WriteAllTextAsync(path, "{\"format\":\"edge-counters/1\",\"runs\":12,\"door_cy");

        var service = new CounterService(_dir.Path, new CounterOptions(), _time, _logs);
        using var cts = new CancellationTokenSource();
        var run = service.RunAsync(cts.Token);
        var load = await service.Loaded;
        Assert.Equal(DataFileStatus.Quarantined, load.Status);
        Assert.Contains(path, load.Error);
        Assert.NotNull(load.QuarantinePath);
        Assert.True(File.Exists(load.QuarantinePath));
        Assert.StartsWith("{\"format\":\"edge-counters/1\",\"runs\":12", await File.ReadAllTextAsync(load.QuarantinePath));
        Assert.False(File.Exists(path));
        Assert.Contains(_logs.Lines, l => l.Level == LogLevel.Error && l.Message.Contains(path) && l.Message.Contains(load.QuarantinePath));
        Assert.Equal(default, service.Counters.Snapshot());

        // And the service goes on counting and saving.
        service.Counters.OnTrip(Trip(0, 1_000_000));
        Assert.True(service.SaveNow());
        Assert.True(CounterStore.TryParse(await File.ReadAllBytesAsync(path), out var saved, out _));
        Assert.Equal(1, saved.Runs);
        await cts.CancelAsync();
        await run;
    }

    [Fact]
    public async Task A_temporary_file_left_by_a_crash_before_the_rename_is_ignored_and_overwritten()
    {
        var path = Path.Combine(_dir.Path, CounterStore.DefaultFileName);
        var store = new CounterStore(path, _time, _logs.CreateLogger<CounterStore>());
        store.Save(new CounterValues(5, 6, 7, 8));
        // Power cut after the temporary file was half written: the real file still holds the last complete save.
        await File.WriteAllTextAsync(path + AtomicFile.TempSuffix, "{\"format\":\"edge-coun");
        var (values, load) = store.Load();
        Assert.Equal(DataFileStatus.Loaded, load.Status);
        Assert.Equal(new CounterValues(5, 6, 7, 8), values);
        store.Save(new CounterValues(9, 9, 9, 9));
        Assert.False(File.Exists(path + AtomicFile.TempSuffix));
        Assert.Equal(new CounterValues(9, 9, 9, 9), store.Load().Values);
    }

    [Theory]
    [InlineData("[]", "not a JSON object")]
    [InlineData("{\"format\":\"other/1\"}", "format")]
    [InlineData("{\"format\":\"edge-counters/1\",\"runs\":-1,\"door_cycles\":0,\"running_micros\":0,\"distance_mm\":0}", "negative")]
    [InlineData("{\"format\":\"edge-counters/1\",\"runs\":\"x\",\"door_cycles\":0,\"running_micros\":0,\"distance_mm\":0}", "runs")]
    [InlineData("", "invalid JSON")]
    public void Parser_names_what_is_wrong(string text, string expected)
    {
        Assert.False(CounterStore.TryParse(System.Text.Encoding.UTF8.GetBytes(text), out _, out var problem));
        Assert.Contains(expected, problem);
    }

    [Fact]
    public void Serialised_counters_read_back_exactly()
    {
        var values = new CounterValues(123_456, 7_890, 3_600_000_000_123, 98_765_432);
        Assert.True(CounterStore.TryParse(CounterStore.Serialize(values, _time.GetUtcNow()), out var back, out _));
        Assert.Equal(values, back);
    }

    [Fact]
    public void A_failed_save_is_logged_and_retried()
    {
        // The data "directory" is a file: every save fails, as on a read-only or broken file system.
        var blocker = Path.Combine(_dir.Path, "not-a-dir");
        File.WriteAllText(blocker, "x");
        var counters = new LiftCounters();
        var store = new CounterStore(Path.Combine(blocker, "counters.json"), _time, _logs.CreateLogger<CounterStore>());
        var saver = new PeriodicSaver(store.Path, () => counters.Version, () => store.Save(counters.Snapshot()), TimeSpan.FromSeconds(1), _time, _logs.CreateLogger("t"));
        counters.OnTrip(Trip(0, 1));
        Assert.False(saver.SaveIfChanged());
        Assert.False(saver.SaveIfChanged());
        Assert.Equal(2, saver.FailureCount);
        Assert.Contains(_logs.Lines, l => l.Level == LogLevel.Error && l.Message.Contains(store.Path));
    }

    [Fact]
    public void Options_validator_reports_every_bad_key()
    {
        var result = new CounterOptionsValidator().Validate(null, new CounterOptions { SaveIntervalSeconds = 0, FileName = "../x" });
        Assert.Contains("Detection:Counters:SaveIntervalSeconds", result.FailureMessage);
        Assert.Contains("Detection:Counters:FileName", result.FailureMessage);
    }

    internal static async Task WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.True(condition());
    }
}
