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
using EdgeGateway.Host.LiveView;
using EdgeGateway.Outbox;
using EdgeGateway.Outbox.SegmentLog;
using EdgeGateway.Uplink.Mqtt;
using EdgeGateway.Uplink.Mqtt.Commands;
using EdgeGateway.Uplink.Mqtt.Schema;
using EdgeGateway.Uplink.Mqtt.Time;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Host.Pipeline;

/// <summary>Everything the pipeline is built from, validated before it is built.</summary>
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

/// <summary>
/// The running gateway: acquisition sources → hot loop (detection with trips, counters, KPIs, black box) → durable
/// outbox → MQTT uplink. <see cref="StartAsync"/> opens the store and builds every part (this is where I/O starts);
/// <see cref="RunAsync"/> runs them until cancelled; disposal stops them in reverse order, so every event the hot loop
/// produced before stop is appended to the outbox.
/// </summary>
public sealed class GatewayPipeline : IAsyncDisposable
{
    private readonly PipelineSettings _settings;
    private readonly Func<MonotonicClock, ILoggerFactory, IReadOnlyList<ISampleSource>> _sources;
    private readonly ILoggerFactory _loggers;
    private readonly TimeProvider _time;
    private readonly MonotonicClock _clock;
    private readonly ILogger _logger;
    private readonly long _startedAt;
    private readonly IAsyncDisposable? _ownedResources;

    private SegmentLogOutbox? _outbox;
    private OutboxEventSink? _eventSink;
    private OutboxForwarders? _forwarders;
    private HotLoop? _hotLoop;
    private MqttUplink? _uplink;
    private CounterService? _counters;
    private KpiService? _kpi;
    private BlackBoxService? _blackBox;
    private IReadOnlyList<ISampleSource> _activeSources = [];
    private StatusReporter? _status;
    private RecordingStage? _recording;

    public GatewayPipeline(
        PipelineSettings settings,
        Func<MonotonicClock, ILoggerFactory, IReadOnlyList<ISampleSource>> sources,
        ILoggerFactory loggers,
        TimeProvider time,
        IAsyncDisposable? ownedResources = null)
    {
        _ownedResources = ownedResources;
        _settings = settings;
        _sources = sources;
        _loggers = loggers;
        _time = time;
        _clock = new MonotonicClock(time);
        _logger = loggers.CreateLogger<GatewayPipeline>();
        _startedAt = time.GetTimestamp();
    }

    public LiftProfile Profile => _settings.Gateway.ToProfile();

    public MonotonicClock Clock => _clock;

    public KpiTracker? Kpi => _kpi?.Tracker;

    public string BlackBoxDirectory => _blackBox?.Directory ?? Path.Combine(_settings.Gateway.DataDirectory, _settings.BlackBox.DirectoryName);

    public IReadOnlyList<ISampleSource> Sources => _activeSources;

    /// <summary>Set before <see cref="StartAsync"/> to record the run: the trace file, and the live event log or null.</summary>
    public (string TracePath, string? EventsPath, int AccelHz)? Recording { get; init; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var gateway = _settings.Gateway;
        var data = Path.GetFullPath(gateway.DataDirectory);
        Directory.CreateDirectory(data);
        var profile = gateway.ToProfile();

        _outbox = await SegmentLogOutbox.OpenAsync(_settings.Outbox, _loggers.CreateLogger<SegmentLogOutbox>(), _time, cancellationToken)
            .ConfigureAwait(false);

        var wall = new SystemWallClock(_settings.Mqtt.ClockSync, _time);
        var records = new UplinkRecordFactory(_clock, wall, Guid.NewGuid());
        _eventSink = new OutboxEventSink(_outbox, e => records.ForEvent(e), _clock, _time, _loggers.CreateLogger<OutboxEventSink>());
        _forwarders = new OutboxForwarders(_outbox, records, _loggers.CreateLogger<OutboxForwarders>());

        var wallTime = new LiveWallTimeMapper(wall, () => _clock.NowMicros);
        var context = new DetectionContext(profile, _settings.Detection);
        _counters = new CounterService(data, _settings.Counters, _time, _loggers);
        _kpi = new KpiService(data, _settings.Kpi, wallTime, wall, _forwarders, _time, _loggers);
        var trips = new TripStage(context, _settings.Trips, _settings.RideQuality, [_forwarders, _counters.Counters, _kpi.Tracker]);

        _hotLoop = new HotLoop(profile, _settings.Detection, _eventSink, _clock, _loggers.CreateLogger<HotLoop>(), _settings.HotLoop);
        _blackBox = new BlackBoxService(data, _settings.BlackBox, profile, new HotLoopSampleHistory(_hotLoop.History), wallTime, _forwarders, _loggers);
        _hotLoop.AddStages([trips, _counters.Counters, _kpi.Tracker, _blackBox.Recorder]);
        if (Recording is { } recording)
        {
            _recording = new RecordingStage(recording.TracePath, recording.EventsPath, profile, recording.AccelHz,
                wall.IsSynchronized ? wall.UtcNow : null, _clock.NowMicros);
            _hotLoop.AddStages([_recording]);
        }

        var identity = new UplinkIdentity(gateway.BoxId, profile.LiftId, typeof(GatewayPipeline).Assembly.GetName().Version?.ToString() ?? "0");
        var commands = new PipelineCommandHandlers(this);
        _uplink = new MqttUplink(Options.Create(_settings.Mqtt), identity, _outbox, records, new RemoteCommandHandlers(BlackBox: commands, CheckIn: commands), _loggers.CreateLogger<MqttUplink>());
        _activeSources = _sources(_clock, _loggers);
        _status = new StatusReporter(_hotLoop, _outbox, records, _counters.Counters, _time);
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (_hotLoop is null || _eventSink is null || _uplink is null || _forwarders is null || _counters is null || _kpi is null
            || _blackBox is null || _status is null)
        {
            throw new InvalidOperationException("StartAsync must complete before RunAsync.");
        }

        using var stopping = new CancellationTokenSource();
        using var stoppingLoop = new CancellationTokenSource();
        await _eventSink.StartAsync(stopping.Token).ConfigureAwait(false);
        var hotLoop = _hotLoop.RunAsync(stoppingLoop.Token);
        var tasks = new List<Task>
        {
            _uplink.RunAsync(stopping.Token),
            _forwarders.RunAsync(stopping.Token),
            _counters.RunAsync(stopping.Token),
            _kpi.RunAsync(stopping.Token),
            _blackBox.RunAsync(stopping.Token),
            _status.RunAsync(stopping.Token),
        };
        var acquisition = new AcquisitionService(_activeSources, _hotLoop, _hotLoop, _time, _loggers.CreateLogger<AcquisitionService>());
        await acquisition.StartAsync(stopping.Token).ConfigureAwait(false);
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        // Stop in data-flow order: sources, then the hot loop (the capture being recorded is closed and written),
        // then the rest, so nothing produced before stop is lost on the way.
        await acquisition.StopAsync(CancellationToken.None).ConfigureAwait(false);
        stoppingLoop.Cancel();
        await IgnoreCancellation(hotLoop).ConfigureAwait(false);
        _blackBox.Recorder.Flush(_hotLoop.Engine.State);
        _blackBox.DrainQueue();
        stopping.Cancel();
        foreach (var task in tasks)
        {
            await IgnoreCancellation(task).ConfigureAwait(false);
        }

        // Events the hot loop produced up to its last sample are appended before the store closes.
        await _eventSink.StopAsync(CancellationToken.None).ConfigureAwait(false);
        _recording?.Dispose();
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
        if (_hotLoop is null || _eventSink is null || _uplink is null)
        {
            return null;
        }

        var snapshot = _hotLoop.Snapshot();
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
            _eventSink.Latency.Percentile(99));
    }

    public async ValueTask DisposeAsync()
    {
        _eventSink?.Dispose();
        _uplink?.Dispose();
        foreach (var source in _activeSources)
        {
            (source as IDisposable)?.Dispose();
        }

        if (_ownedResources is not null)
        {
            await _ownedResources.DisposeAsync().ConfigureAwait(false);
        }

        if (_outbox is not null)
        {
            await _outbox.DisposeAsync().ConfigureAwait(false);
        }
    }
}
