using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Signals;
using EdgeGateway.Core.Time;
using EdgeGateway.Outbox;
using EdgeGateway.Outbox.SegmentLog;
using EdgeGateway.Uplink.Mqtt;
using EdgeGateway.Uplink.Mqtt.Commands;
using EdgeGateway.Uplink.Mqtt.Schema;
using EdgeGateway.Uplink.Mqtt.Time;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Benchmarks.Uplink;

/// <summary>
/// Drain rate: how fast the uplink empties a backlog from the real segment-log outbox into a real mosquitto on loopback
/// (QoS 1, removal after PUBACK). Target ≥ 10,000 messages/s. Needs /usr/sbin/mosquitto.
/// </summary>
[MemoryDiagnoser]
public class UplinkDrainBenchmarks
{
    private const int Backlog = 20_000;

    private Process? _mosquitto;
    private string _directory = string.Empty;
    private int _port;
    private IOutbox _outbox = null!;
    private UplinkRecordFactory _records = null!;

    [GlobalSetup]
    public void Setup()
    {
        _directory = Path.Combine(Path.GetTempPath(), "edgegw-bench-uplink-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(_directory);
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        _port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var config = Path.Combine(_directory, "mosquitto.conf");
        File.WriteAllText(config, $"listener {_port} 127.0.0.1\nallow_anonymous true\npersistence false\nmax_queued_messages 1000000\n"
            + (Environment.UserName == "root" ? "user root\n" : string.Empty));
        _mosquitto = Process.Start(new ProcessStartInfo("/usr/sbin/mosquitto", $"-c {config}") { UseShellExecute = false, RedirectStandardError = true })!;
        for (var i = 0; i < 100; i++)
        {
            try
            {
                using var probe = new TcpClient();
                probe.Connect(IPAddress.Loopback, _port);
                break;
            }
            catch (SocketException)
            {
                Thread.Sleep(50);
            }
        }

        _outbox = SegmentLogOutbox.OpenAsync(new OutboxOptions { DataDirectory = Path.Combine(_directory, "outbox") }).GetAwaiter().GetResult();
        _records = new UplinkRecordFactory(new MonotonicClock(TimeProvider.System), new SystemWallClock(ClockSyncSource.AssumeSynchronized), Guid.NewGuid());
    }

    [IterationSetup]
    public void FillBacklog()
    {
        var tasks = new Task<long>[Backlog];
        for (var i = 0; i < Backlog; i++)
        {
            var liftEvent = new LiftEvent(_records.Monotonic.NowMicros, EventType.DoorOpenFailure, EventPhase.Raised, i % 12, EventDetail.None);
            tasks[i] = _outbox.EnqueueAsync(_records.ForEvent(liftEvent)).AsTask();
        }

        Task.WaitAll(tasks);
    }

    [Benchmark(OperationsPerInvoke = Backlog, Description = "drain 20k events to mosquitto (per message)")]
    public async Task DrainToMosquitto()
    {
        var options = new MqttUplinkOptions
        {
            Enabled = true, Host = "127.0.0.1", Port = _port, TestAlarmInterval = TimeSpan.Zero, StateDirectory = _directory, DrainBatchSize = 1024,
        };
        var uplink = new MqttUplink(Options.Create(options), new UplinkIdentity("box-bench", "31101101002015000123"), _outbox, _records,
            RemoteCommandHandlers.None, NullLogger<MqttUplink>.Instance);
        using var stop = new CancellationTokenSource();
        var run = uplink.RunAsync(stop.Token);
        while (_outbox.GetStatistics().PendingMessages > 0)
        {
            await Task.Delay(1);
        }

        await stop.CancelAsync();
        await run;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _outbox.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _mosquitto?.Kill();
        _mosquitto?.WaitForExit();
        Directory.Delete(_directory, recursive: true);
    }
}

/// <summary>
/// Uplink bytes per lift-day for a typical day: 300 trips, one status record a minute (1440), 20 events and the test alarm,
/// each published on its own (the steady state: nothing waits to be batched), protobuf versus JSON mode. Bytes counted:
/// the payload and the MQTT PUBLISH overhead (fixed header, topic, packet id; MQTT 3.1.1 §3.3, MQTT 5 adds ≥ 1 property byte).
/// The benchmark measures encoding the day; the byte counts are printed (and are the numbers that matter).
/// </summary>
[MemoryDiagnoser]
public class UplinkBytesPerLiftDayBenchmarks
{
    private List<OutboxMessage> _day = [];

    [Params(PayloadFormat.Protobuf, PayloadFormat.Json)]
    public PayloadFormat Format { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _day = TypicalDay();
        var (payload, wire) = Count(_day, Format);
        Console.WriteLine($"// uplink bytes per lift-day ({Format}): payload {payload:N0} B, on the wire {wire:N0} B ({_day.Count} messages)");
    }

    [Benchmark(Description = "encode one lift-day")]
    public long EncodeDay() => Count(_day, Format).Wire;

    public static (long Payload, long Wire) Count(List<OutboxMessage> day, PayloadFormat format)
    {
        var encoder = new EnvelopeEncoder("box-0000000001", "31101101002015000123", format);
        var topics = new UplinkTopics("31101101002015000123");
        long payloadBytes = 0, wireBytes = 0;
        foreach (var message in day)
        {
            var envelope = encoder.Stamp(message, new PublishedWallTime(message.WallUnixMillis, true, false));
            var payload = encoder.ToPayload(envelope).Length;
            var topic = topics.ForStream(message.Stream).Length;
            var remaining = 2 + topic + 2 + payload;
            payloadBytes += payload;
            wireBytes += 1 + (remaining < 128 ? 1 : remaining < 16_384 ? 2 : 3) + remaining + 4; // + PUBACK (4 bytes)
        }

        return (payloadBytes, wireBytes);
    }

    public static List<OutboxMessage> TypicalDay()
    {
        var boot = Guid.NewGuid();
        var day = new List<OutboxMessage>();
        var wall0 = new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        long id = 1_000_000;
        void Add(MessageClass c, string stream, long atSeconds, byte[] payload) =>
            day.Add(new OutboxMessage(id++, c, stream, atSeconds * 1_000_000, boot, wall0 + (atSeconds * 1000), true, payload));

        for (var minute = 0; minute < 1440; minute++)
        {
            var status = new StatusRecord(minute % 12, TravelDirection.None, DoorState.Closed, LiftMode.Normal, false, true, (ulong)(minute / 5), (ulong)(minute / 2),
                (ulong)minute * 9, (ulong)minute * 3, 0, (ulong)minute * 600, 1, 0, 0);
            Add(MessageClass.Telemetry, UplinkStreams.Telemetry, minute * 60, UplinkPayloads.EncodeStatus(status));
        }

        for (var trip = 0; trip < 300; trip++)
        {
            var record = new TripRecord(trip * 280_000_000L, 9_500, trip % 12, (trip + 5) % 12, trip % 2 == 0 ? TravelDirection.Up : TravelDirection.Down,
                1_740, true, 0.92f, 0.88f, 1.31f, 0.21f, 0.12f);
            Add(MessageClass.Event, UplinkStreams.Trips, trip * 280, UplinkPayloads.EncodeTrip(record));
        }

        for (var e = 0; e < 20; e++)
        {
            var liftEvent = new LiftEvent(0, e % 2 == 0 ? EventType.DoorCloseFailure : EventType.Inspection, e % 2 == 0 ? EventPhase.Raised : EventPhase.Cleared, 3, EventDetail.None);
            Add(MessageClass.Event, UplinkStreams.Events, e * 4000, UplinkPayloads.EncodeEvent(liftEvent));
        }

        Add(MessageClass.Alarm, UplinkStreams.Alarms, 43_000,
            UplinkPayloads.EncodeEvent(new LiftEvent(0, EventType.TestAlarm, EventPhase.Instant, null, EventDetail.None)));
        return day;
    }
}
