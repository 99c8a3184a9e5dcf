using System.Text;
using System.Text.Json;
using EdgeGateway.Core.Events;
using EdgeGateway.Outbox;
using EdgeGateway.Outbox.SegmentLog;
using EdgeGateway.Uplink.Mqtt.Alarms;
using EdgeGateway.Uplink.Mqtt.Commands;
using EdgeGateway.Uplink.Mqtt.Schema;
using EdgeGateway.Uplink.Mqtt.Schema.V1;
using EdgeGateway.Uplink.Mqtt.Tests.Support;
using Google.Protobuf;
using EventDetail = EdgeGateway.Core.Events.EventDetail;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeGateway.Uplink.Mqtt.Tests.Commands;

/// <summary>Each command accepted, each rejection reason, HMAC and rollback, against the real segment-log outbox.</summary>
public sealed class CommandProcessorTests : IAsyncLifetime
{
    private static readonly byte[] Key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "edgegw-cmd-test-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly ConfigTarget _config = new();
    private readonly CheckInRecorder _checkIns = new();
    private readonly BlackBox _blackBox = new();
    private IOutbox _outbox = null!;
    private AlarmTracker _alarms = null!;
    private UplinkRecordFactory _records = null!;

    public async Task InitializeAsync()
    {
        _outbox = await SegmentLogOutbox.OpenAsync(new OutboxOptions { DataDirectory = _directory });
        _alarms = new AlarmTracker(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10));
        _records = UplinkHarness.NewRecords();
    }

    public async Task DisposeAsync()
    {
        await _outbox.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private CommandProcessor Processor(string? hmacKey = null, RemoteCommandHandlers? handlers = null) => new(
        new MqttUplinkOptions { CommandHmacKey = hmacKey, MaxCommandBytes = 4096, BlackBoxChunkBytes = 1024 },
        handlers ?? new RemoteCommandHandlers(_config, _blackBox, _checkIns),
        _alarms,
        _outbox,
        _records,
        _records.Monotonic,
        _records.Wall,
        NullLogger.Instance);

    private static byte[] Bytes(CommandRequest request) => request.ToByteArray();

    [Fact]
    public async Task Ping_answers_with_uptime_and_outbox_depth()
    {
        await _outbox.EnqueueAsync(_records.ForEvent(new LiftEvent(1, EventType.LinkLost, EventPhase.Raised, null, EventDetail.None)));
        var response = await Processor().HandleAsync("ping", Bytes(new CommandRequest { RequestId = "p-1" }), default);
        Assert.Equal(CommandOutcome.Accepted, response.Outcome);
        Assert.Equal("p-1", response.RequestId);
        Assert.Equal("ping", response.Name);
        Assert.Equal(1ul, response.OutboxDepth);
    }

    [Fact]
    public async Task Json_commands_are_accepted_too()
    {
        var json = """{"requestId":"j-1","name":"ping"}""";
        var response = await Processor().HandleAsync("ping", Encoding.UTF8.GetBytes(json), default);
        Assert.Equal(CommandOutcome.Accepted, response.Outcome);
        Assert.Equal("j-1", response.RequestId);
    }

    [Fact]
    public async Task Ack_removes_a_pending_alarm_from_tracker_and_outbox()
    {
        var id = await _outbox.EnqueueAsync(_records.ForEvent(new LiftEvent(1, EventType.Entrapment, EventPhase.Raised, 2, EventDetail.None)));
        var message = (await _outbox.ReadAsync(0, 10)).Single();
        Assert.Equal(TrackResult.Added, _alarms.Track(message, 0));

        var response = await Processor().HandleAsync("ack", Bytes(new CommandRequest { RequestId = "a-1", Ack = new AckArgs { AlarmId = (ulong)id } }), default);
        Assert.Equal(CommandOutcome.Accepted, response.Outcome);
        Assert.Equal(string.Empty, response.Reason);
        Assert.False(_alarms.IsPending(id));
        Assert.Equal(0, _outbox.GetStatistics().PendingAlarms);
    }

    [Fact]
    public async Task Ack_for_an_alarm_not_read_yet_is_remembered_so_it_is_removed_instead_of_published()
    {
        var id = await _outbox.EnqueueAsync(_records.ForEvent(new LiftEvent(1, EventType.Entrapment, EventPhase.Raised, 2, EventDetail.None)));
        var response = await Processor().HandleAsync("ack", Bytes(new CommandRequest { RequestId = "a-2", Ack = new AckArgs { AlarmId = (ulong)id } }), default);
        Assert.Equal(CommandOutcome.Accepted, response.Outcome);
        Assert.Contains("not pending", response.Reason, StringComparison.Ordinal);
        // Nothing removed yet: the id might not even be an alarm. The drain loop decides when it reads it.
        Assert.Equal(1, _outbox.GetStatistics().PendingAlarms);
        var message = (await _outbox.ReadAsync(0, 10)).Single();
        Assert.Equal(TrackResult.AlreadyAcknowledged, _alarms.Track(message, 0));
    }

    [Fact]
    public async Task Upload_black_box_queues_the_capture_in_chunks_on_the_blackbox_stream()
    {
        _blackBox.Captures["cap-7"] = Enumerable.Range(0, 2500).Select(i => (byte)i).ToArray();
        var response = await Processor().HandleAsync("upload_black_box",
            Bytes(new CommandRequest { RequestId = "b-1", UploadBlackBox = new UploadBlackBoxArgs { CaptureId = "cap-7" } }), default);
        Assert.Equal(CommandOutcome.Accepted, response.Outcome);
        Assert.Equal(3u, response.ChunkCount);

        var queued = await _outbox.ReadAsync(0, 10);
        Assert.Equal(3, queued.Count);
        Assert.All(queued, m => Assert.Equal(UplinkStreams.BlackBox, m.Stream));
        var chunks = queued.Select(m => Envelope.Parser.ParseFrom(m.Payload.Span).BlackBox).ToList();
        Assert.Equal([0u, 1u, 2u], chunks.Select(c => c.ChunkIndex));
        Assert.All(chunks, c => Assert.Equal(3u, c.ChunkCount));
        Assert.Equal(_blackBox.Captures["cap-7"], chunks.SelectMany(c => c.Data.ToByteArray()).ToArray());
    }

    [Fact]
    public async Task Get_config_returns_the_redacted_configuration()
    {
        var response = await Processor().HandleAsync("get_config", Bytes(new CommandRequest { RequestId = "g-1" }), default);
        Assert.Equal(CommandOutcome.Accepted, response.Outcome);
        Assert.Equal(_config.GetConfigJson(), response.ConfigJson);
        Assert.DoesNotContain("hunter2", response.ConfigJson, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Set_config_applies_a_valid_configuration()
    {
        var response = await Processor().HandleAsync("set_config", Bytes(SetConfig("s-1", """{"floors":20,"password":"hunter2"}""")), default);
        Assert.Equal(CommandOutcome.Accepted, response.Outcome);
        Assert.Equal(20, _config.Floors);
        Assert.Contains("\"floors\":20", response.ConfigJson, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Set_config_that_the_pipeline_cannot_start_with_is_rolled_back()
    {
        var response = await Processor().HandleAsync("set_config", Bytes(SetConfig("s-2", """{"floors":13,"password":"hunter2"}""")), default);
        Assert.Equal(CommandOutcome.Failed, response.Outcome);
        Assert.Contains("previous configuration was restored", response.Reason, StringComparison.Ordinal);
        Assert.Contains("unlucky", response.Reason, StringComparison.Ordinal);
        Assert.Equal(12, _config.Floors);
        Assert.Equal("hunter2", _config.Password);
        Assert.Equal(2, _config.ApplyCalls);
    }

    [Theory]
    [InlineData("""{"floors":0}""", "floors: 0 is outside 1..200")]
    [InlineData("""{"floors":"x"}""", "not valid JSON for this configuration")]
    public async Task Set_config_with_an_invalid_configuration_is_rejected_and_changes_nothing(string json, string reason)
    {
        var response = await Processor().HandleAsync("set_config", Bytes(SetConfig("s-3", json)), default);
        Assert.Equal(CommandOutcome.Rejected, response.Outcome);
        Assert.Contains(reason, response.Reason, StringComparison.Ordinal);
        Assert.Equal(0, _config.ApplyCalls);
    }

    [Fact]
    public async Task Technician_check_in_reaches_the_hook()
    {
        var response = await Processor().HandleAsync("technician_check_in",
            Bytes(new CommandRequest { RequestId = "t-1", TechnicianCheckIn = new TechnicianCheckInArgs { TechnicianId = "tech-42", Note = "on site" } }), default);
        Assert.Equal(CommandOutcome.Accepted, response.Outcome);
        Assert.Equal(("tech-42", "on site"), _checkIns.Calls.Single());
    }

    public static TheoryData<string, byte[], string> Rejections() => new()
    {
        { "reboot", Encoding.UTF8.GetBytes("""{"requestId":"r"}"""), "unknown command 'reboot'" },
        { "ping", [0xFF, 0xFF, 0xFF], "malformed:" },
        { "ping", [], "malformed: empty payload" },
        { "ping", Encoding.UTF8.GetBytes("""{"requestId":"r","bogus":1}"""), "malformed:" },
        { "ping", Encoding.UTF8.GetBytes("""{"requestId":"r" """), "malformed:" },
        { "ping", Encoding.UTF8.GetBytes("""{"requestId":""}"""), "malformed: request_id" },
        { "ping", Encoding.UTF8.GetBytes("""{"requestId":"r","name":"ack"}"""), "does not match the topic's command 'ping'" },
        { "ping", Encoding.UTF8.GetBytes("""{"requestId":"r","ack":{"alarmId":"1"}}"""), "do not belong to 'ping'" },
        { "ack", Encoding.UTF8.GetBytes("""{"requestId":"r"}"""), "ack needs ack.alarm_id" },
        { "ack", Encoding.UTF8.GetBytes("""{"requestId":"r","ack":{"alarmId":"999999"}}"""), "no alarm with id 999999" },
        { "upload_black_box", Encoding.UTF8.GetBytes("""{"requestId":"r","uploadBlackBox":{"captureId":"../etc/passwd"}}"""), "capture_id must be" },
        { "upload_black_box", Encoding.UTF8.GetBytes("""{"requestId":"r","uploadBlackBox":{"captureId":"nope"}}"""), "no capture with id 'nope'" },
        { "set_config", Encoding.UTF8.GetBytes("""{"requestId":"r"}"""), "set_config needs set_config.config_json" },
        { "technician_check_in", Encoding.UTF8.GetBytes("""{"requestId":"r","technicianCheckIn":{}}"""), "technician_check_in needs" },
        { "ping", new byte[5000], "oversized: 5000 bytes" },
    };

    [Theory]
    [MemberData(nameof(Rejections))]
    public async Task Bad_commands_are_rejected_with_a_reason_and_change_nothing(string name, byte[] payload, string reason)
    {
        var before = _outbox.GetStatistics();
        var response = await Processor().HandleAsync(name, payload, default);
        Assert.Equal(CommandOutcome.Rejected, response.Outcome);
        Assert.Contains(reason, response.Reason, StringComparison.Ordinal);
        Assert.Equal(before, _outbox.GetStatistics());
        Assert.Equal(0, _config.ApplyCalls);
        Assert.Empty(_checkIns.Calls);
    }

    [Fact]
    public async Task Oversized_commands_are_rejected_without_reading_them()
    {
        var response = Processor().RejectOversized("set_config", 10_000_000);
        Assert.Equal(CommandOutcome.Rejected, response.Outcome);
        Assert.Contains("oversized: 10000000 bytes", response.Reason, StringComparison.Ordinal);
        Assert.Equal(0, _config.ApplyCalls);
        await Task.CompletedTask;
    }

    [Fact]
    public async Task Commands_without_a_handler_are_not_supported()
    {
        var processor = Processor(handlers: RemoteCommandHandlers.None);
        foreach (var (name, request) in new[]
                 {
                     ("get_config", new CommandRequest { RequestId = "n" }),
                     ("set_config", SetConfig("n", """{"floors":3}""")),
                     ("upload_black_box", new CommandRequest { RequestId = "n", UploadBlackBox = new UploadBlackBoxArgs { CaptureId = "c" } }),
                     ("technician_check_in", new CommandRequest { RequestId = "n", TechnicianCheckIn = new TechnicianCheckInArgs { TechnicianId = "t" } }),
                 })
        {
            var response = await processor.HandleAsync(name, Bytes(request), default);
            Assert.Equal(CommandOutcome.Rejected, response.Outcome);
            Assert.StartsWith("not supported on this box", response.Reason, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Signed_set_config_is_applied_when_the_HMAC_matches()
    {
        var request = SetConfig("h-1", """{"floors":15}""");
        request.IssuedUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        request.Signature = ByteString.CopyFrom(CommandSignature.Sign(Key, request, "set_config"));
        var response = await Processor(Convert.ToBase64String(Key)).HandleAsync("set_config", Bytes(request), default);
        Assert.Equal(CommandOutcome.Accepted, response.Outcome);
        Assert.Equal(15, _config.Floors);
    }

    [Fact]
    public async Task HMAC_guard_rejects_unsigned_forged_tampered_stale_and_replayed_set_config()
    {
        var processor = Processor(Convert.ToBase64String(Key));
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        var unsigned = SetConfig("h-2", """{"floors":15}""");
        unsigned.IssuedUnixMs = now;
        Assert.Contains("must be signed", (await processor.HandleAsync("set_config", Bytes(unsigned), default)).Reason, StringComparison.Ordinal);

        var forged = SetConfig("h-3", """{"floors":15}""");
        forged.IssuedUnixMs = now;
        forged.Signature = ByteString.CopyFrom(CommandSignature.Sign(new byte[32], forged, "set_config"));
        Assert.Contains("signature does not match", (await processor.HandleAsync("set_config", Bytes(forged), default)).Reason, StringComparison.Ordinal);

        var tampered = SetConfig("h-4", """{"floors":15}""");
        tampered.IssuedUnixMs = now;
        tampered.Signature = ByteString.CopyFrom(CommandSignature.Sign(Key, tampered, "set_config"));
        tampered.SetConfig.ConfigJson = """{"floors":16}""";
        Assert.Contains("signature does not match", (await processor.HandleAsync("set_config", Bytes(tampered), default)).Reason, StringComparison.Ordinal);

        var stale = SetConfig("h-5", """{"floors":15}""");
        stale.IssuedUnixMs = now - (long)TimeSpan.FromHours(1).TotalMilliseconds;
        stale.Signature = ByteString.CopyFrom(CommandSignature.Sign(Key, stale, "set_config"));
        Assert.Contains("stale or replayed", (await processor.HandleAsync("set_config", Bytes(stale), default)).Reason, StringComparison.Ordinal);

        Assert.Equal(0, _config.ApplyCalls);

        var good = SetConfig("h-6", """{"floors":15}""");
        good.IssuedUnixMs = now;
        good.Signature = ByteString.CopyFrom(CommandSignature.Sign(Key, good, "set_config"));
        Assert.Equal(CommandOutcome.Accepted, (await processor.HandleAsync("set_config", Bytes(good), default)).Outcome);
        var replay = await processor.HandleAsync("set_config", Bytes(good), default);
        Assert.Equal(CommandOutcome.Rejected, replay.Outcome);
        Assert.Contains("already used (replay)", replay.Reason, StringComparison.Ordinal);
        Assert.Equal(1, _config.ApplyCalls);
    }

    [Fact]
    public async Task A_signed_set_config_answered_busy_during_another_ones_trial_can_be_sent_again()
    {
        var held = new TrialHeldConfigTarget();
        var processor = Processor(Convert.ToBase64String(Key), new RemoteCommandHandlers(held));
        CommandRequest Signed(string id, string json)
        {
            var request = SetConfig(id, json);
            request.IssuedUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            request.Signature = ByteString.CopyFrom(CommandSignature.Sign(Key, request, "set_config"));
            return request;
        }

        var first = processor.HandleAsync("set_config", Bytes(Signed("b-1", """{"x":1}""")), default);
        await held.TrialStarted.Task.WaitAsync(TimeSpan.FromSeconds(10));

        var second = Signed("b-2", """{"x":2}""");
        // Bounded: were it not rejected, it would wait for the held trial.
        var busy = await processor.HandleAsync("set_config", Bytes(second), default).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(CommandOutcome.Rejected, busy.Outcome);
        Assert.Equal("busy: set_config 'b-1' is still being applied or on trial; send this one again after its response", busy.Reason);
        var forged = SetConfig("b-3", """{"x":3}""");
        forged.IssuedUnixMs = second.IssuedUnixMs;
        forged.Signature = ByteString.CopyFrom(CommandSignature.Sign(new byte[32], forged, "set_config"));
        Assert.Contains("signature does not match", (await processor.HandleAsync("set_config", Bytes(forged), default)).Reason, StringComparison.Ordinal);
        Assert.Equal(CommandOutcome.Accepted, (await processor.HandleAsync("ping", Bytes(new CommandRequest { RequestId = "p-1" }), default)).Outcome);

        held.EndTrial.SetResult();
        Assert.Equal(CommandOutcome.Accepted, (await first).Outcome);
        var again = await processor.HandleAsync("set_config", Bytes(second), default);
        Assert.Equal(CommandOutcome.Accepted, again.Outcome);
        Assert.Equal("""{"x":2}""", held.GetConfigJson());
        Assert.Equal(2, held.ApplyCalls);
    }

    [Fact]
    public void Signed_text_is_the_documented_canonical_form()
    {
        var request = SetConfig("req-1", """{"a":1}""");
        request.IssuedUnixMs = 1700000000000;
        Assert.Equal("edgegw-cmd/1\nreq-1\nset_config\n1700000000000\n{\"a\":1}", Encoding.UTF8.GetString(CommandSignature.SignedText(request, "set_config")));
        // RFC 4231-style check of the primitive with our key: any implementation that signs the same text agrees.
        var expected = System.Security.Cryptography.HMACSHA256.HashData(Key, CommandSignature.SignedText(request, "set_config"));
        Assert.Equal(expected, CommandSignature.Sign(Key, request, "set_config"));
    }

    private static CommandRequest SetConfig(string id, string json) =>
        new() { RequestId = id, SetConfig = new SetConfigArgs { ConfigJson = json } };

    /// <summary>A tiny configuration with a secret; floors = 13 makes the "pipeline" fail to start.</summary>
    private sealed class ConfigTarget : IRemoteConfigTarget
    {
        public int Floors { get; private set; } = 12;

        public string Password { get; private set; } = "hunter2";

        public int ApplyCalls { get; private set; }

        public string GetConfigJson() => JsonSerializer.Serialize(new { floors = Floors, password = "***" });

        public string ExportForRollback() => JsonSerializer.Serialize(new { floors = Floors, password = Password });

        public IReadOnlyList<string> Validate(string configJson)
        {
            try
            {
                var doc = JsonDocument.Parse(configJson).RootElement;
                var floors = doc.GetProperty("floors").GetInt32();
                return floors is < 1 or > 200 ? [$"floors: {floors} is outside 1..200"] : [];
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException or FormatException)
            {
                return [$"not valid JSON for this configuration: {e.Message}"];
            }
        }

        public Task ApplyAsync(string configJson, CancellationToken cancellationToken)
        {
            ApplyCalls++;
            var doc = JsonDocument.Parse(configJson).RootElement;
            var floors = doc.GetProperty("floors").GetInt32();
            if (floors == 13)
            {
                throw new InvalidOperationException("the pipeline refuses unlucky floor counts");
            }

            Floors = floors;
            if (doc.TryGetProperty("password", out var password))
            {
                Password = password.GetString()!;
            }

            return Task.CompletedTask;
        }
    }

    private sealed class CheckInRecorder : ITechnicianCheckIn
    {
        public List<(string, string?)> Calls { get; } = [];

        public void CheckIn(string technicianId, string? note, long monotonicMicros) => Calls.Add((technicianId, note));
    }

    private sealed class BlackBox : IBlackBoxStore
    {
        public Dictionary<string, byte[]> Captures { get; } = [];

        public ValueTask<ReadOnlyMemory<byte>?> ReadCaptureAsync(string captureId, CancellationToken cancellationToken) =>
            ValueTask.FromResult(Captures.TryGetValue(captureId, out var bytes) ? (ReadOnlyMemory<byte>?)bytes : null);
    }
}
