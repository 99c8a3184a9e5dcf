using EdgeGateway.Core.Events;
using EdgeGateway.Core.Time;
using EdgeGateway.Outbox;
using EdgeGateway.Outbox.SegmentLog;
using EdgeGateway.Uplink.Mqtt.Commands;
using EdgeGateway.Uplink.Mqtt.Schema;
using EdgeGateway.Uplink.Mqtt.Time;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Uplink.Mqtt.Tests.Support;

/// <summary>
/// A real outbox (the segment log in a temp directory) and an <see cref="MqttUplink"/> over it, as the host wires them.
/// <see cref="StartUplink"/> / <see cref="StopUplinkAsync"/> can be repeated to simulate a service restart on the same store.
/// </summary>
public sealed class UplinkHarness : IAsyncDisposable
{
    public const string LiftId = "31101101002015000123";
    public const string BoxId = "box-test-0001";

    private CancellationTokenSource? _run;
    private Task? _runTask;

    private UplinkHarness(string directory, IOutbox outbox, MqttUplinkOptions options, UplinkRecordFactory records)
    {
        Directory = directory;
        Outbox = outbox;
        Options = options;
        Records = records;
    }

    public string Directory { get; }

    public IOutbox Outbox { get; private set; }

    public MqttUplinkOptions Options { get; }

    public UplinkRecordFactory Records { get; private set; }

    public MqttUplink? Uplink { get; private set; }

    public RemoteCommandHandlers Handlers { get; set; } = RemoteCommandHandlers.None;

    public UplinkTopics Topics { get; } = new(LiftId);

    public static async Task<UplinkHarness> CreateAsync(Action<MqttUplinkOptions>? configure = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "edgegw-uplink-test-" + Guid.NewGuid().ToString("N")[..12]);
        System.IO.Directory.CreateDirectory(directory);
        var options = new MqttUplinkOptions
        {
            Enabled = true,
            Host = "127.0.0.1",
            StateDirectory = Path.Combine(directory, "state"),
            ReconnectInitialDelay = TimeSpan.FromMilliseconds(50),
            ReconnectMaxDelay = TimeSpan.FromMilliseconds(500),
            AlarmRepublishInitialDelay = TimeSpan.FromMilliseconds(300),
            AlarmRepublishMaxDelay = TimeSpan.FromSeconds(1),
            OperationTimeout = TimeSpan.FromSeconds(5),
            TestAlarmInterval = TimeSpan.Zero,
        };
        configure?.Invoke(options);
        var validation = new MqttUplinkOptionsValidator().Validate(null, options);
        Assert.True(validation.Succeeded, validation.FailureMessage);
        var outbox = await OpenOutboxAsync(directory);
        return new UplinkHarness(directory, outbox, options, NewRecords());
    }

    public static UplinkRecordFactory NewRecords() =>
        new(new MonotonicClock(TimeProvider.System), new SystemWallClock(ClockSyncSource.AssumeSynchronized), Guid.NewGuid());

    public void StartUplink()
    {
        Assert.Null(_runTask);
        Uplink = new MqttUplink(Microsoft.Extensions.Options.Options.Create(Options), new UplinkIdentity(BoxId, LiftId, "test"), Outbox, Records, Handlers,
            NullLogger<MqttUplink>.Instance);
        _run = new CancellationTokenSource();
        _runTask = Uplink.RunAsync(_run.Token);
    }

    public async Task StopUplinkAsync()
    {
        if (_runTask is null)
        {
            return;
        }

        await _run!.CancelAsync();
        await _runTask.WaitAsync(TimeSpan.FromSeconds(20));
        _runTask = null;
        _run.Dispose();
        _run = null;
    }

    /// <summary>Closes and reopens the store and starts a new boot (new monotonic clock and boot id), as a service restart does.</summary>
    public async Task RestartServiceAsync()
    {
        await StopUplinkAsync();
        await Outbox.DisposeAsync();
        Outbox = await OpenOutboxAsync(Directory);
        Records = NewRecords();
        StartUplink();
    }

    public async Task<long> EnqueueEventAsync(EventType type, EventPhase phase = EventPhase.Raised, int? floor = 3)
    {
        var liftEvent = new LiftEvent(Records.Monotonic.NowMicros, type, phase, floor, EventDetail.None);
        return await Outbox.EnqueueAsync(Records.ForEvent(liftEvent));
    }

    public async Task<bool> WaitUntilAsync(Func<bool> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (DateTime.UtcNow < deadline)
        {
            if (condition())
            {
                return true;
            }

            await Task.Delay(25);
        }

        return condition();
    }

    public async ValueTask DisposeAsync()
    {
        await StopUplinkAsync();
        await Outbox.DisposeAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // Temp directory; best effort.
        }
    }

    private static async Task<IOutbox> OpenOutboxAsync(string directory) =>
        await SegmentLogOutbox.OpenAsync(new OutboxOptions { DataDirectory = Path.Combine(directory, "outbox") });
}
