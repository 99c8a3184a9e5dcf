using EdgeGateway.Acquisition.Modbus.Polling;
using EdgeGateway.Core.Acquisition;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Lift;
using EdgeGateway.Core.Time;
using EdgeGateway.Detection;
using EdgeGateway.Detection.BlackBox;
using EdgeGateway.Detection.HotLoop;
using EdgeGateway.Detection.Kpi;
using EdgeGateway.Detection.Pipeline;
using EdgeGateway.Detection.RideQuality;
using EdgeGateway.Detection.Trips;
using EdgeGateway.Host.Configuration;
using EdgeGateway.Host.Hosting;
using EdgeGateway.Host.LiveView;
using EdgeGateway.Host.RemoteConfiguration;
using EdgeGateway.Outbox;
using EdgeGateway.Outbox.SegmentLog;
using EdgeGateway.Uplink.Mqtt;
using EdgeGateway.Uplink.Mqtt.Commands;
using EdgeGateway.Uplink.Mqtt.Schema;
using EdgeGateway.Uplink.Mqtt.Time;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Host.Pipeline;

/// <summary>Everything the detection pipeline and its transport are built from, validated before they are built.</summary>
public sealed record PipelineSettings(
    GatewayOptions Gateway,
    DetectionOptions Detection,
    HotLoopOptions HotLoop,
    TripOptions Trips,
    RideQualityOptions RideQuality,
    CounterOptions Counters,
    KpiOptions Kpi,
    BlackBoxOptions BlackBox,
    OutboxOptions Outbox,
    MqttUplinkOptions Mqtt);

/// <summary>The acquisition sources built for one set of settings, and what they need kept alive (e.g. the simulated controller).</summary>
public sealed record AcquisitionParts(IReadOnlyList<ISampleSource> Sources, IAsyncDisposable? Resources = null);

/// <summary>Builds the acquisition sources for a set of settings (hardware drivers, or the simulated lift).</summary>
public delegate AcquisitionParts AcquisitionFactory(GatewaySettings settings, MonotonicClock clock, ILoggerFactory loggers);

/// <summary>
/// The running gateway: acquisition sources → hot loop (detection with trips, counters, KPIs, black box) → durable
/// outbox → MQTT uplink. <see cref="StartAsync"/> opens the store and builds every part (this is where I/O starts);
/// <see cref="RunAsync"/> runs them until cancelled; disposal stops them in reverse order, so every event the hot loop
/// produced before stop is appended to the outbox.
/// The store lives as long as the pipeline; acquisition and detection form a <see cref="PipelineRun"/> that
/// <see cref="ReconfigureAsync"/> replaces in place with new settings (remote set_config) while alarms keep flowing, and
/// <see cref="RestartUplinkAsync"/> replaces the uplink when its own settings change.
/// </summary>
public sealed class GatewayPipeline : IReconfigurablePipeline, IAsyncDisposable
{
    private readonly AcquisitionFactory _acquisition;
    private readonly ILoggerFactory _loggers;
    private readonly TimeProvider _time;
    private readonly MonotonicClock _clock;
    private readonly ILogger _logger;
    private readonly long _startedAt;
    private readonly SemaphoreSlim _reconfiguring = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();

    private GatewaySettings _settings;
    private SegmentLogOutbox? _outbox;
    private SystemWallClock? _wall;
    private UplinkRecordFactory? _records;
    private MqttUplink? _uplink;
    private UplinkIdentity? _identity;
    private RemoteCommandHandlers? _handlers;
    private CancellationTokenSource? _uplinkStop;
    private Task _uplinkTask = Task.CompletedTask;
    private RecordingStage? _recording;
    private volatile PipelineRun? _run;
    private bool _running;

    public GatewayPipeline(GatewaySettings settings, AcquisitionFactory acquisition, ILoggerFactory loggers, TimeProvider time)
    {
        _settings = settings;
        _acquisition = acquisition;
        _loggers = loggers;
        _time = time;
        _clock = new MonotonicClock(time);
        _logger = loggers.CreateLogger<GatewayPipeline>();
        _startedAt = time.GetTimestamp();
    }

    public GatewaySettings Settings => _settings;

    public LiftProfile Profile => _settings.Pipeline.Gateway.ToProfile();

    public MonotonicClock Clock => _clock;

    public KpiTracker? Kpi => _run?.Kpi.Tracker;

    public string BlackBoxDirectory => _run?.BlackBox.Directory
        ?? Path.Combine(_settings.Pipeline.Gateway.DataDirectory, _settings.Pipeline.BlackBox.DirectoryName);

    public IReadOnlyList<ISampleSource> Sources => _run?.Sources ?? [];

    /// <summary>Set before <see cref="StartAsync"/> to record the run: the trace file, and the live event log or null.</summary>
    public (string TracePath, string? EventsPath, int AccelHz)? Recording { get; init; }

    /// <summary>Set before <see cref="StartAsync"/> to let the platform read and change the configuration (get_config, set_config).</summary>
    public Func<GatewayPipeline, IRemoteConfigTarget>? RemoteConfig { get; init; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var pipeline = _settings.Pipeline;
        var data = Path.GetFullPath(pipeline.Gateway.DataDirectory);
        Directory.CreateDirectory(data);
        var profile = pipeline.Gateway.ToProfile();

        _outbox = await SegmentLogOutbox.OpenAsync(pipeline.Outbox, _loggers.CreateLogger<SegmentLogOutbox>(), _time, cancellationToken)
            .ConfigureAwait(false);
        _wall = new SystemWallClock(pipeline.Mqtt.ClockSync, _time);
        _records = new UplinkRecordFactory(_clock, _wall, Guid.NewGuid());
        if (Recording is { } recording)
        {
            _recording = new RecordingStage(recording.TracePath, recording.EventsPath, profile, recording.AccelHz,
                _wall.IsSynchronized ? _wall.UtcNow : null, _clock.NowMicros);
        }

        _run = CreateRun(_settings);
        _identity = new UplinkIdentity(pipeline.Gateway.BoxId, profile.LiftId, typeof(GatewayPipeline).Assembly.GetName().Version?.ToString() ?? "0");
        var commands = new PipelineCommandHandlers(this);
        _handlers = new RemoteCommandHandlers(Config: RemoteConfig?.Invoke(this), BlackBox: commands, CheckIn: commands);
        _uplink = CreateUplink(pipeline.Mqtt);
    }

    private MqttUplink CreateUplink(MqttUplinkOptions options) =>
        new(Options.Create(options), _identity!, _outbox!, _records!, _handlers!, _loggers.CreateLogger<MqttUplink>());

    private void StartUplink()
    {
        _uplinkStop = new CancellationTokenSource();
        _uplinkTask = _uplink!.RunAsync(_uplinkStop.Token);
    }

    private async Task StopUplinkAsync()
    {
        if (_uplinkStop is null)
        {
            return;
        }

        await _uplinkStop.CancelAsync().ConfigureAwait(false);
        await IgnoreCancellation(_uplinkTask).ConfigureAwait(false);
        _uplinkStop.Dispose();
        _uplinkStop = null;
    }

    /// <summary>
    /// Replaces the uplink with one using <paramref name="options"/>: the old one says goodbye (retained offline status),
    /// the new one connects and publishes its birth; alarms awaiting acknowledgement are re-read from the outbox.
    /// </summary>
    public async Task RestartUplinkAsync(MqttUplinkOptions options)
    {
        await _reconfiguring.WaitAsync(_stopping.Token).ConfigureAwait(false);
        try
        {
            if (!_running)
            {
                return;
            }

            await StopUplinkAsync().ConfigureAwait(false);
            _uplink!.Dispose();
            _uplink = CreateUplink(options);
            _settings = _settings with { Pipeline = _settings.Pipeline with { Mqtt = options } };
            StartUplink();
        }
        finally
        {
            _reconfiguring.Release();
        }
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (_uplink is null || _run is null)
        {
            throw new InvalidOperationException("StartAsync must complete before RunAsync.");
        }

        StartUplink();
        await _reconfiguring.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            await _run.StartAsync().ConfigureAwait(false);
            _running = true;
        }
        finally
        {
            _reconfiguring.Release();
        }

        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        // A set_config in its trial gives up at once (it is not stored, so the next start uses the last good layer);
        // a restart already under way finishes first, then nothing restarts.
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _reconfiguring.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            _running = false;
            if (_run is { } run)
            {
                await run.StopAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            _reconfiguring.Release();
        }

        // Events the hot loop produced up to its last sample are in the outbox now; the uplink stops last.
        await StopUplinkAsync().ConfigureAwait(false);
        _recording?.Dispose();
    }

    /// <summary>
    /// Replaces acquisition and detection with parts built from <paramref name="settings"/>, in place: the store and the
    /// uplink stay up, counters and KPIs are saved by the old run and loaded by the new one. With
    /// <paramref name="trial"/>, the new run must also prove itself for that long (every source running, samples
    /// arriving, no sensor fault or link loss that was not there before); otherwise this throws saying why, leaving the
    /// new run in place for the caller to replace with the previous settings.
    /// </summary>
    public async Task ReconfigureAsync(GatewaySettings settings, TimeSpan? trial, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        cancellationToken = linked.Token;
        await _reconfiguring.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!_running || _run is not { } old)
            {
                throw new InvalidOperationException("the pipeline is not running yet");
            }

            var healthBefore = HealthProblems(old);
            await old.StopAsync().ConfigureAwait(false);
            _run = null;
            await old.DisposeAsync().ConfigureAwait(false);
            Log.Reconfiguring(_logger);

            PipelineRun next;
            try
            {
                next = CreateRun(settings);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                throw new InvalidOperationException($"building the pipeline failed: {ex.Message}", ex);
            }

            _run = next;
            _settings = settings;
            try
            {
                await next.StartAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                throw new InvalidOperationException($"starting the pipeline failed: {ex.Message}", ex);
            }

            if (trial is { } duration)
            {
                await ProveAsync(next, healthBefore, duration, cancellationToken).ConfigureAwait(false);
            }

            Log.Reconfigured(_logger);
        }
        finally
        {
            _reconfiguring.Release();
        }
    }

    private async Task ProveAsync(PipelineRun run, Dictionary<string, string> healthBefore, TimeSpan duration, CancellationToken cancellationToken)
    {
        var deadline = _time.GetTimestamp() + (long)(duration.TotalSeconds * _time.TimestampFrequency);
        while (true)
        {
            if (run.Acquisition.LastFailure is { } failure)
            {
                throw new InvalidOperationException($"source {failure.Source} failed: {failure.Message}");
            }

            if (_time.GetTimestamp() >= deadline)
            {
                break;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), _time, cancellationToken).ConfigureAwait(false);
        }

        if (run.Sources.Count > 0 && run.HotLoop.Snapshot().SamplesProcessed == 0)
        {
            throw new InvalidOperationException($"no sample arrived from any source within {duration.TotalSeconds:0.#} s");
        }

        var appeared = new List<string>();
        foreach (var (key, description) in HealthProblems(run))
        {
            if (!healthBefore.ContainsKey(key))
            {
                appeared.Add(description);
            }
        }

        if (appeared.Count > 0)
        {
            throw new InvalidOperationException($"after {duration.TotalSeconds:0.#} s: {string.Join(", ", appeared)}");
        }
    }

    /// <summary>
    /// The sensor faults and link losses active in <paramref name="run"/>, keyed by type and sensor (a fault that was there
    /// before counts as the same one whatever its reason says now), each described as "type (sensor: reason)".
    /// </summary>
    private static Dictionary<string, string> HealthProblems(PipelineRun run)
    {
        var problems = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var active in run.HotLoop.Snapshot().ActiveEvents)
        {
            if (active.Type is EventType.SensorFault or EventType.LinkLost)
            {
                var name = EventCatalogue.Get(active.Type).Name;
                var detail = active.Detail;
                var what = detail.Sensor is { } sensor ? $" ({sensor}{(detail.Reason is { } r ? ": " + r : string.Empty)})" : string.Empty;
                problems[$"{name}/{detail.Sensor}"] = name + what;
            }
        }

        return problems;
    }

    private PipelineRun CreateRun(GatewaySettings settings)
    {
        var acquisition = _acquisition(settings, _clock, _loggers);
        try
        {
            return new PipelineRun(settings.Pipeline, acquisition, _outbox!, _records!, _wall!, _clock, _time, _loggers, _recording);
        }
        catch
        {
            _ = acquisition.Resources?.DisposeAsync().AsTask();
            throw;
        }
    }

    private static async Task IgnoreCancellation(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    public GatewayStatus? GetStatus()
    {
        if (_run is not { } run || _uplink is null)
        {
            return null;
        }

        var snapshot = run.HotLoop.Snapshot();
        return new GatewayStatus(
            snapshot.State,
            snapshot.SamplesProcessed,
            snapshot.SamplesDropped,
            snapshot.RecentEvents,
            snapshot.ActiveEvents,
            _outbox?.GetStatistics(),
            _uplink.State.ToString(),
            _uplink.Protocol is { } p ? $"MQTT {p}" : _uplink.LastError,
            _uplink.PublishedCount,
            _time.GetElapsedTime(_startedAt),
            run.EventSink.Latency.Percentile(99));
    }

    public async ValueTask DisposeAsync()
    {
        if (_run is { } run)
        {
            await run.DisposeAsync().ConfigureAwait(false);
        }

        _uplink?.Dispose();
        if (_outbox is not null)
        {
            await _outbox.DisposeAsync().ConfigureAwait(false);
        }

        _reconfiguring.Dispose();
        _stopping.Dispose();
    }
}

/// <summary>
/// One run of acquisition and detection over the shared store: sources → hot loop with its stages (trips, counters,
/// KPIs, black box, recording) → the outbox. Started once and stopped once, in data-flow order.
/// </summary>
internal sealed class PipelineRun : IAsyncDisposable
{
    private readonly AcquisitionParts _parts;
    private readonly OutboxForwarders _forwarders;
    private readonly CounterService _counters;
    private readonly StatusReporter _status;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _stoppingLoop = new();
    private Task _hotLoopTask = Task.CompletedTask;
    private List<Task> _tasks = [];
    private bool _stopped;
    private bool _released;

    public PipelineRun(PipelineSettings settings, AcquisitionParts parts, IOutbox outbox, UplinkRecordFactory records, IWallClock wall,
        MonotonicClock clock, TimeProvider time, ILoggerFactory loggers, RecordingStage? recording)
    {
        _parts = parts;
        _time = time;
        _loggers = loggers;
        var data = Path.GetFullPath(settings.Gateway.DataDirectory);
        var profile = settings.Gateway.ToProfile();

        EventSink = new OutboxEventSink(outbox, e => records.ForEvent(e), clock, time, loggers.CreateLogger<OutboxEventSink>());
        _forwarders = new OutboxForwarders(outbox, records, loggers.CreateLogger<OutboxForwarders>(), settings.Mqtt.BlackBoxChunkBytes);
        var wallTime = new LiveWallTimeMapper(wall, () => clock.NowMicros);
        var context = new DetectionContext(profile, settings.Detection);
        _counters = new CounterService(data, settings.Counters, time, loggers);
        Kpi = new KpiService(data, settings.Kpi, wallTime, wall, _forwarders, time, loggers);
        var trips = new TripStage(context, settings.Trips, settings.RideQuality, [_forwarders, _counters.Counters, Kpi.Tracker]);

        HotLoop = new HotLoop(profile, settings.Detection, EventSink, clock, loggers.CreateLogger<HotLoop>(), settings.HotLoop);
        BlackBox = new BlackBoxService(data, settings.BlackBox, profile, new HotLoopSampleHistory(HotLoop.History), wallTime, _forwarders, loggers);
        HotLoop.AddStages([trips, _counters.Counters, Kpi.Tracker, BlackBox.Recorder]);
        if (recording is not null)
        {
            HotLoop.AddStages([recording]);
        }

        _status = new StatusReporter(HotLoop, outbox, records, _counters.Counters, time, TimeSpan.FromSeconds(settings.Gateway.StatusIntervalSeconds));
        foreach (var source in parts.Sources)
        {
            if (source is ModbusControllerSource modbus)
            {
                _status.ModbusHealth = () =>
                {
                    var h = modbus.Health;
                    return ((ulong)h.Requests, (ulong)h.Timeouts, (ulong)h.CrcErrors, (ulong)h.Exceptions);
                };
            }
        }

        Acquisition = new AcquisitionService(parts.Sources, HotLoop, HotLoop, time, loggers.CreateLogger<AcquisitionService>());
    }

    public HotLoop HotLoop { get; }

    public OutboxEventSink EventSink { get; }

    public KpiService Kpi { get; }

    public BlackBoxService BlackBox { get; }

    public AcquisitionService Acquisition { get; }

    public IReadOnlyList<ISampleSource> Sources => _parts.Sources;

    public async Task StartAsync()
    {
        await EventSink.StartAsync(_stopping.Token).ConfigureAwait(false);
        _hotLoopTask = HotLoop.RunAsync(_stoppingLoop.Token);
        _tasks =
        [
            _forwarders.RunAsync(_stopping.Token),
            _counters.RunAsync(_stopping.Token),
            Kpi.RunAsync(_stopping.Token),
            BlackBox.RunAsync(_stopping.Token),
            _status.RunAsync(_stopping.Token),
        ];
        await Acquisition.StartAsync(_stopping.Token).ConfigureAwait(false);
    }

    /// <summary>
    /// Stops in data-flow order: sources, then the hot loop (the capture being recorded is closed and written), then the
    /// rest, so nothing produced before stop is lost on the way; events up to the last sample are appended to the outbox.
    /// </summary>
    public async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        await Acquisition.StopAsync(CancellationToken.None).ConfigureAwait(false);
        _stoppingLoop.Cancel();
        await IgnoreCancellation(_hotLoopTask).ConfigureAwait(false);
        BlackBox.Recorder.Flush(HotLoop.Engine.State);
        BlackBox.DrainQueue();
        _stopping.Cancel();
        foreach (var task in _tasks)
        {
            await IgnoreCancellation(task).ConfigureAwait(false);
        }

        await EventSink.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await ReleaseSourcesAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        EventSink.Dispose();
        await ReleaseSourcesAsync().ConfigureAwait(false);
        Acquisition.Dispose();
        _stopping.Dispose();
        _stoppingLoop.Dispose();
    }

    private async Task ReleaseSourcesAsync()
    {
        if (_released)
        {
            return;
        }

        _released = true;
        foreach (var source in _parts.Sources)
        {
            (source as IDisposable)?.Dispose();
        }

        if (_parts.Resources is not null)
        {
            await _parts.Resources.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static async Task IgnoreCancellation(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
