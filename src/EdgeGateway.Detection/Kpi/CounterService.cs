using Microsoft.Extensions.Logging;

namespace EdgeGateway.Detection.Kpi;

/// <summary>
/// The counters with their persistence: <see cref="Counters"/> is the detection stage and trip sink to wire into the
/// engine; <see cref="RunAsync"/> (a hosted background task) loads the saved totals first, then saves periodically
/// and once more on stop. Nothing touches the disk before <see cref="RunAsync"/>.
/// </summary>
public sealed class CounterService
{
    private readonly CounterStore _store;
    private readonly PeriodicSaver _saver;
    private readonly TaskCompletionSource<DataFileLoad> _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public CounterService(string dataDirectory, CounterOptions options, TimeProvider time, ILoggerFactory loggerFactory)
    {
        _store = new CounterStore(Path.Combine(dataDirectory, options.FileName), time, loggerFactory.CreateLogger<CounterStore>());
        Counters = new LiftCounters();
        _saver = new PeriodicSaver(_store.Path, () => Counters.Version, () => _store.Save(Counters.Snapshot()),
            TimeSpan.FromSeconds(options.SaveIntervalSeconds), time, loggerFactory.CreateLogger<CounterService>());
    }

    public LiftCounters Counters { get; }

    public string FilePath => _store.Path;

    /// <summary>Completes when the saved totals have been loaded (or found missing or quarantined).</summary>
    public Task<DataFileLoad> Loaded => _loaded.Task;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var (values, load) = _store.Load();
        Counters.Restore(values);
        _loaded.TrySetResult(load);
        await _saver.RunAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Saves now if anything changed (e.g. before a planned reboot); false when the save failed.</summary>
    public bool SaveNow() => _loaded.Task.IsCompleted && _saver.SaveIfChanged();
}
