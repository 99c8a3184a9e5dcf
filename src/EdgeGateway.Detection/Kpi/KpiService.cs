using EdgeGateway.Core.Time;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Detection.Kpi;

/// <summary>
/// The KPI tracker with its persistence and daily report: <see cref="Tracker"/> is the detection stage and trip sink
/// to wire into the engine; <see cref="RunAsync"/> (a hosted background task) loads the saved history first, then
/// every <see cref="KpiOptions.SaveIntervalSeconds"/> saves what changed and, once the wall clock is synchronised and a
/// local day has ended, hands that day's summary to the sink (each day once, also across restarts).
/// </summary>
public sealed class KpiService
{
    /// <summary>Missed days reported at most after a long outage; older ones are in the window of the next summary anyway.</summary>
    private const int MaxCatchUpDays = 7;

    private readonly KpiHistoryStore _store;
    private readonly PeriodicSaver _saver;
    private readonly IWallClock _wallClock;
    private readonly IKpiSummarySink _sink;
    private readonly ILogger _logger;
    private readonly TimeSpan _interval;
    private readonly TimeProvider _time;
    private readonly TaskCompletionSource<DataFileLoad> _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public KpiService(string dataDirectory, KpiOptions options, IWallTimeMapper wallTime, IWallClock wallClock, IKpiSummarySink sink,
        TimeProvider time, ILoggerFactory loggerFactory)
    {
        _store = new KpiHistoryStore(Path.Combine(dataDirectory, options.FileName), time, loggerFactory.CreateLogger<KpiHistoryStore>());
        Tracker = new KpiTracker(options, wallTime);
        _wallClock = wallClock;
        _sink = sink;
        _time = time;
        _interval = TimeSpan.FromSeconds(options.SaveIntervalSeconds);
        _logger = loggerFactory.CreateLogger<KpiService>();
        _saver = new PeriodicSaver(_store.Path, () => Tracker.Version, () => _store.Save(Tracker.Snapshot()), _interval, time, _logger);
    }

    public KpiTracker Tracker { get; }

    public string FilePath => _store.Path;

    public Task<DataFileLoad> Loaded => _loaded.Task;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var (history, load) = _store.Load();
        Tracker.Restore(history);
        _loaded.TrySetResult(load);
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                ReportFinishedDays();
                _saver.SaveIfChanged();
                await Task.Delay(_interval, _time, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            _saver.SaveIfChanged();
        }
    }

    /// <summary>Hands the summary of every finished local day not yet reported to the sink; returns how many.</summary>
    public int ReportFinishedDays()
    {
        if (!_wallClock.IsSynchronized)
        {
            return 0;
        }

        var today = Tracker.LocalDay(_wallClock.UtcNow);
        var yesterday = today.AddDays(-1);
        var last = Tracker.LastReportedDay;
        if (last is null)
        {
            // First synchronised start: nothing before today was observed by this history, so start with yesterday.
            last = yesterday.AddDays(-1);
        }

        var first = last.Value.AddDays(1);
        if (first < yesterday.AddDays(1 - MaxCatchUpDays))
        {
            first = yesterday.AddDays(1 - MaxCatchUpDays);
        }

        var reported = 0;
        for (var day = first; day <= yesterday; day = day.AddDays(1))
        {
            var summary = Tracker.GetSummary(day);
            StatisticsLog.DailySummary(_logger, day, summary.ToString());
            try
            {
                _sink.OnDailySummary(summary);
            }
            catch (Exception e)
            {
                // The sink (outbox) failing must not stop KPI keeping; the day counts as reported and is in the next window.
                StatisticsLog.DailySummarySinkFailed(_logger, day, e);
            }

            Tracker.LastReportedDay = day;
            reported++;
        }

        return reported;
    }
}
