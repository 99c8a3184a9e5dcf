using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using EdgeGateway.Detection.BlackBox;
using EdgeGateway.Host.Tests.Hosting;
using EdgeGateway.Outbox;
using EdgeGateway.Outbox.SegmentLog;
using EdgeGateway.Testing.Files;
using EdgeGateway.Testing.Mqtt;
using EdgeGateway.Uplink.Mqtt.Schema;
using EdgeGateway.Uplink.Mqtt.Schema.V1;
using EdgeGateway.Uplink.Mqtt.Tests.Support;
using Google.Protobuf;
using Xunit.Abstractions;
using MessageClass = EdgeGateway.Outbox.MessageClass;

namespace EdgeGateway.Host.Tests.EndToEnd;

/// <summary>
/// Issue 6's kill test on the whole product: a child <c>edgegw run --simulate</c> (test alarms every second, a string of
/// short faults with their events and black-box captures) is SIGKILLed at a random point in each of 24 rounds and
/// restarted on the same data directory. In half the rounds the broker (a real mosquitto) is down, so the box only
/// enqueues; in the other half it is up and the box drains its backlog while the platform asks for black-box uploads
/// (dozens of small appends) and acknowledges some of the alarms. After every kill the store is read as the next child
/// will find it. At the end a last child drains everything. The platform's record must then hold every id the box ever
/// allocated, each stream's first arrivals in id order, and one content per id, the one the store held under it.
/// The seed is printed; <c>EDGEGW_KILL_ROUNDS_SEED=n</c> replays the same schedule (the timing of a run still varies).
/// </summary>
[Collection(nameof(EndToEndCollection))]
public sealed partial class KillRoundsTests : IDisposable
{
    private const string LiftId = "31101101002015000999";
    private const string BoxId = "box-kill-rounds";
    private const int Rounds = 24;
    private const string SeedVariable = "EDGEGW_KILL_ROUNDS_SEED";
    private const string BlackBoxQueuedLine = "queued for upload in";
    private const string TopicRoot = "lifts/" + LiftId + "/";
    private const string BarrierTopic = TopicRoot + "kill-rounds-barrier";

    private static readonly HashSet<string> OutboxStreams =
        [UplinkStreams.Alarms, UplinkStreams.Events, UplinkStreams.Telemetry, UplinkStreams.Trips, UplinkStreams.BlackBox];

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    /// <summary>How long a kill point may take to come before the round kills anyway (a fault can come late on a loaded machine).</summary>
    private static readonly TimeSpan KillPointTimeout = TimeSpan.FromSeconds(8);

    private readonly ITestOutputHelper _output;
    private readonly TempDirectory _temp = new("edgegw-kill-rounds-");

    // Everything the store held after some kill, by id: a later kill finding other content under the same id is id reuse.
    private readonly Dictionary<long, StoredRecord> _stored = [];

    // Ids the box itself reported as accepted ("Test alarm queued as message N" is logged after EnqueueAsync returned).
    private readonly SortedSet<long> _reportedAccepted = [];
    private readonly List<string> _storeViolations = [];
    private long _lastIdOnDisk;
    private int _segmentsOnDisk;
    private int _tornWrites;

    public KillRoundsTests(ITestOutputHelper output) => _output = output;

    private string OutboxDirectory => Path.Combine(_temp.Path, "outbox");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task KillRounds_every_accepted_message_arrives_in_order_per_stream_and_once_after_dedup_by_id()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable(SeedVariable), CultureInfo.InvariantCulture, out var fixedSeed)
            ? fixedSeed
            : Random.Shared.Next();
        Log($"seed {seed} (replay with {SeedVariable}={seed})");
        var plan = Plan(new Random(seed));
        var acknowledging = new Random(seed ^ 0x4B1D);
        var uploads = new Random(seed ^ 0x0B0B);
        var total = Stopwatch.StartNew();

        await using var broker = await MosquittoBroker.StartAsync();
        await using var platform = await TestSubscriber.ConnectAsync(broker.Host, broker.Port, TopicRoot + "#");
        var brokerUp = true;
        var acknowledged = new HashSet<long>();
        var killedDuringDrain = 0;
        var killedWhileOffline = 0;
        foreach (var round in plan)
        {
            if (round.BrokerUp != brokerUp)
            {
                if (round.BrokerUp)
                {
                    await broker.StartAgainAsync();
                    // A restarted mosquitto has forgotten every session: subscribe again before the box can publish.
                    await platform.ReconnectAsync(broker.Host, broker.Port, TopicRoot + "#");
                }
                else
                {
                    await broker.StopAsync();
                }

                brokerUp = round.BrokerUp;
            }

            var backlog = Directory.Exists(OutboxDirectory) ? OutboxInspector.Inspect(OutboxDirectory).Pending.Count : 0;
            var arrivalsBefore = platform.Messages.Count;
            var started = Stopwatch.StartNew();
            var requestedChunks = 0;
            string killedAt;
            using (var gateway = StartGateway(broker.Port, quiet: false))
            {
                await gateway.WaitForLineAsync("Outbox opened", StartTimeout);
                if (brokerUp)
                {
                    await gateway.WaitForLineAsync("Connected to MQTT broker", StartTimeout);
                    requestedChunks = await RequestUploadsAsync(platform, uploads, round.Uploads);
                }

                killedAt = await WaitForKillPointAsync(gateway, platform, round, backlog + requestedChunks, arrivalsBefore);
                gateway.Kill();
                RecordReportedAcceptance(gateway);
            }

            var arrived = 0;
            if (brokerUp)
            {
                // Whatever mosquitto acknowledged to the dead box must be in the platform's record before the broker may stop.
                await BarrierAsync(platform, round.Index);
                arrived = OutboxArrivals(platform.Messages, arrivalsBefore);
                await AcknowledgeSomeAlarmsAsync(platform, acknowledging, acknowledged, arrivalsBefore);
            }
            else
            {
                killedWhileOffline++;
            }

            var pending = SnapshotStore(round.Index);
            // Alarms stay until acknowledged; anything else still stored after an online round was cut off mid-drain.
            var unsent = pending.Count(p => p.Class != MessageClass.Alarm);
            killedDuringDrain += brokerUp && unsent > 0 ? 1 : 0;
            Log($"round {round.Index,2}: broker {(brokerUp ? "up  " : "down")}, backlog {backlog,3}, {requestedChunks,3} chunks requested, killed {killedAt} " +
                $"({started.ElapsedMilliseconds} ms after start); {arrived} arrived; pending on disk {pending.Count} ({unsent} not alarms) in {_segmentsOnDisk} segment(s), last id {_lastIdOnDisk}");
        }

        // The last child drains everything with the broker up and makes nothing new (no test alarms, no faults, no traffic),
        // so "everything arrived" has a fixed end; the platform acknowledges every alarm so that alarms can leave the store too.
        if (!brokerUp)
        {
            await broker.StartAgainAsync();
            await platform.ReconnectAsync(broker.Host, broker.Port, TopicRoot + "#");
        }

        var finalArrivalsBefore = platform.Messages.Count;
        using (var last = StartGateway(broker.Port, quiet: true))
        {
            await last.WaitForLineAsync("Connected to MQTT broker", StartTimeout);
            var emptied = await DrainCompletelyAsync(platform, acknowledged, TimeSpan.FromSeconds(60));
            Assert.True(emptied, $"seed {seed}: the last child did not empty the outbox within 60 s; pending: " +
                string.Join(',', OutboxInspector.Inspect(OutboxDirectory).Pending.Select(p => $"{p.Id}/{p.Stream}")) +
                "\nedgegw said:\n" + string.Join('\n', last.Lines.TakeLast(40)));
            Assert.Equal(0, await last.StopAsync(TimeSpan.FromSeconds(30)));
            RecordReportedAcceptance(last);
        }

        await BarrierAsync(platform, Rounds);
        var final = OutboxInspector.Inspect(OutboxDirectory);
        Log($"final drain: {OutboxArrivals(platform.Messages, finalArrivalsBefore)} arrivals; store pending {final.Pending.Count}, last id {final.LastId}");

        var verdict = Judge(platform.Messages, final.LastId);
        Log($"{Rounds} rounds ({killedWhileOffline} offline, {Rounds - killedWhileOffline} online, {killedDuringDrain} of them killed with messages " +
            $"still to send, {_tornWrites} with a torn write on disk), {total.Elapsed.TotalSeconds:F0} s; {verdict.Arrivals} arrivals of {verdict.DistinctIds} ids " +
            $"({string.Join(", ", verdict.IdsPerStream.Select(s => $"{s.Key} {s.Value}"))}), {verdict.Duplicates} duplicate arrivals, " +
            $"{_reportedAccepted.Count} ids reported accepted by the box, {acknowledged.Count} alarms acknowledged by the platform");

        var violations = _storeViolations.Concat(verdict.Violations).ToList();
        if (final.Pending.Count > 0)
        {
            violations.Add($"the store still holds {final.Pending.Count} message(s) after the last child drained it: " +
                string.Join(',', final.Pending.Select(p => p.Id)));
        }

        Assert.True(violations.Count == 0, $"seed {seed} ({SeedVariable}={seed}): {violations.Count} violation(s):\n" +
            string.Join('\n', violations.Take(40)));
        Assert.True(verdict.DistinctIds >= Rounds, $"seed {seed}: only {verdict.DistinctIds} messages went through {Rounds} rounds");
    }

    // ----------------------------------------------------------------------------------------------------------------
    // The schedule

    private enum KillPoint
    {
        /// <summary>A random time after the outbox opened: start-up, a test alarm, a fault, an idle moment.</summary>
        AfterDelay,

        /// <summary>Just after a black-box capture was queued: its chunks (up to 32 KiB each) are being appended and fsynced.</summary>
        InsideBlackBoxBurst,

        /// <summary>
        /// Once a random share of the backlog and the requested upload chunks has arrived: publications in flight, removals on
        /// their way to disk, chunks being appended one fsync each.
        /// </summary>
        DuringDrain,
    }

    /// <param name="Uploads">Online rounds: how many black-box uploads the platform asks for once the box is connected.</param>
    private sealed record RoundPlan(int Index, bool BrokerUp, KillPoint KillPoint, int DelayMilliseconds, double DrainShare, int Uploads);

    private static List<RoundPlan> Plan(Random random)
    {
        // Half the rounds offline, half online, shuffled; the first is offline so that the first online round has a backlog.
        var online = Enumerable.Range(0, Rounds).Select(i => i >= Rounds / 2).ToArray();
        random.Shuffle(online.AsSpan(1));
        var plan = new List<RoundPlan>(Rounds);
        for (var i = 0; i < Rounds; i++)
        {
            var point = online[i]
                ? random.NextDouble() < 0.7 ? KillPoint.DuringDrain : KillPoint.AfterDelay
                : random.NextDouble() < 0.5 ? KillPoint.InsideBlackBoxBurst : KillPoint.AfterDelay;
            // One chunk's append and fsync takes a few ms: 0..40 ms after the "queued" line lands inside or just after the burst.
            var delay = point == KillPoint.InsideBlackBoxBurst ? random.Next(0, 40) : random.Next(0, 3000);
            plan.Add(new RoundPlan(i, online[i], point, delay, random.NextDouble(), online[i] ? random.Next(1, 5) : 0));
        }

        return plan;
    }

    private static async Task<string> WaitForKillPointAsync(EdgegwProcess gateway, TestSubscriber platform, RoundPlan round, int backlog, int arrivalsBefore)
    {
        switch (round.KillPoint)
        {
            case KillPoint.AfterDelay:
                await Task.Delay(round.DelayMilliseconds);
                return $"{round.DelayMilliseconds} ms after the outbox opened{(round.BrokerUp ? " and the box connected" : string.Empty)}";

            case KillPoint.InsideBlackBoxBurst:
                if (!await PollAsync(() => gateway.Lines.Any(l => l.Contains(BlackBoxQueuedLine, StringComparison.Ordinal))))
                {
                    return "without a black-box burst (none came in time)";
                }

                await Task.Delay(round.DelayMilliseconds);
                return $"{round.DelayMilliseconds} ms into a black-box upload burst";

            default:
                // The backlog counts stored messages; arrivals also count re-published alarms, so this lands early rather than late.
                var share = 1 + (int)(round.DrainShare * backlog);
                var reached = await PollAsync(() => OutboxArrivals(platform.Messages, arrivalsBefore) >= share);
                return reached ? $"after {share} arrival(s) of {backlog} to send" : $"waiting for {share} arrival(s) (not reached in time)";
        }
    }

    /// <summary>Polls every millisecond or so: a kill point must be acted on before the box moves on.</summary>
    private static async Task<bool> PollAsync(Func<bool> condition)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < KillPointTimeout)
        {
            if (condition())
            {
                return true;
            }

            await Task.Delay(1);
        }

        return condition();
    }

    private EdgegwProcess StartGateway(int brokerPort, bool quiet)
    {
        List<string> arguments =
        [
            "run", "--simulate", "--plain", "--data", _temp.Path,
            "--set", $"Gateway:BoxId={BoxId}",
            "--set", $"Gateway:Lift:Id={LiftId}",
            "--set", "Mqtt:Enabled=true",
            "--set", "Mqtt:Host=127.0.0.1",
            "--set", $"Mqtt:Port={brokerPort}",
            "--set", "Mqtt:ReconnectInitialDelay=00:00:00.100",
            "--set", "Mqtt:ReconnectMaxDelay=00:00:00.500",
            // Short re-publication delays: more duplicates for the de-duplication check.
            "--set", "Mqtt:AlarmRepublishInitialDelay=00:00:00.500",
            "--set", "Mqtt:AlarmRepublishMaxDelay=00:00:01",
            // Small drain batches and window: many read → publish → PUBACK → remove cycles per backlog, so a kill lands
            // between a PUBACK and the removal's fsync far more often than with 256 × 64.
            "--set", "Mqtt:DrainBatchSize=8",
            "--set", "Mqtt:MaxInFlight=4",
            "--set", "Simulation:Scenario=Traffic",
            "--set", "Detection:BlackBox:PreEventSeconds=3",
            "--set", "Detection:BlackBox:PostEventSeconds=0.5",
            "--set", "Detection:ControllerFaultSeconds=0.2",
            // Uploads the platform asks for go out in the smallest chunks allowed: one capture becomes dozens of appends
            // (one fsync each) while the drain runs, the densest enqueue traffic the box can be made to produce.
            "--set", "Mqtt:BlackBoxChunkBytes=1024",
        ];
        if (quiet)
        {
            arguments.AddRange(["--set", "Mqtt:TestAlarmInterval=00:00:00", "--set", "Simulation:TrafficCallsPerHour=0", "--set", "Simulation:AlarmPressesPerHour=0"]);
        }
        else
        {
            // The most traffic the simulated lift makes: the shortest test-alarm period the uplink allows (its loop waits
            // at least 1 s) and a string of short faults, each raising and clearing a grade-2 or grade-3 event, most with
            // a black-box capture queued in chunks on the blackbox stream.
            // Status telemetry every second, batched (TelemetryBatchSize) so a batch re-sent after a kill may carry
            // other records under the same envelope id: the per-record id is what must de-duplicate.
            arguments.AddRange(["--set", "Mqtt:TestAlarmInterval=00:00:01", "--set", "Simulation:TrafficCallsPerHour=3600",
                "--set", "Gateway:StatusIntervalSeconds=1", "--set", "Mqtt:TelemetryBatchSize=3"]);
            string[] faults = ["safety_open", "controller_fault", "link_loss", "safety_open", "controller_fault", "invalid_floor",
                "safety_open", "controller_fault", "safety_open", "link_loss", "controller_fault", "safety_open"];
            for (var i = 0; i < faults.Length; i++)
            {
                arguments.AddRange(["--set", $"Simulation:Faults:{i}:Fault={faults[i]}",
                    "--set", string.Create(CultureInfo.InvariantCulture, $"Simulation:Faults:{i}:AtSeconds={0.3 * (i + 1):F1}"),
                    "--set", $"Simulation:Faults:{i}:DurationSeconds=0.8"]);
            }
        }

        return EdgegwProcess.Start(arguments);
    }

    // ----------------------------------------------------------------------------------------------------------------
    // The platform's side

    /// <summary>
    /// mosquitto forwards to one subscriber in the order messages reached it, so once our own publication comes back,
    /// everything the broker accepted from the (dead) box before it has been delivered to us.
    /// </summary>
    private static async Task BarrierAsync(TestSubscriber platform, int round)
    {
        var token = "after-round-" + round.ToString(CultureInfo.InvariantCulture);
        await platform.PublishAsync(BarrierTopic, Encoding.UTF8.GetBytes(token));
        var passed = await platform.WaitUntilAsync(
            m => m.Any(r => r.Topic == BarrierTopic && Encoding.UTF8.GetString(r.Payload) == token), TimeSpan.FromSeconds(30));
        Assert.True(passed, $"the barrier after round {round} did not come back through the broker");
    }

    /// <summary>
    /// Asks for <paramref name="count"/> uploads of captures the box has written (a platform fetching black boxes) and
    /// returns how many chunks they will make.
    /// </summary>
    private async Task<int> RequestUploadsAsync(TestSubscriber platform, Random random, int count)
    {
        var folder = Path.Combine(_temp.Path, "blackbox");
        var captures = Directory.Exists(folder)
            ? Directory.GetFiles(folder, BlackBoxService.FilePrefix + "*" + BlackBoxService.FileSuffix).Order(StringComparer.Ordinal).ToArray()
            : [];
        var chunks = 0;
        for (var i = 0; i < count && captures.Length > 0; i++)
        {
            var capture = captures[random.Next(captures.Length)];
            var request = new CommandRequest
            {
                RequestId = "upload-" + Guid.NewGuid().ToString("N")[..12],
                Name = "upload_black_box",
                UploadBlackBox = new UploadBlackBoxArgs { CaptureId = Path.GetFileName(capture) },
            };
            await platform.PublishAsync(TopicRoot + "cmd/upload_black_box", request.ToByteArray());
            chunks += (int)((new FileInfo(capture).Length + 1023) / 1024);
        }

        return chunks;
    }

    /// <summary>
    /// Acknowledges about half the alarms that arrived for the first time this round. The box is dead by now, so the ack
    /// waits in its broker session and reaches the next child before that child has read the alarm (an early ack).
    /// </summary>
    private static async Task AcknowledgeSomeAlarmsAsync(TestSubscriber platform, Random random, HashSet<long> acknowledged, int arrivalsFrom)
    {
        var messages = platform.Messages;
        for (var i = arrivalsFrom; i < messages.Count; i++)
        {
            if (messages[i].Topic != TopicRoot + UplinkStreams.Alarms)
            {
                continue;
            }

            var id = (long)messages[i].Envelope.MessageId;
            if (!acknowledged.Contains(id) && random.NextDouble() < 0.5)
            {
                await AcknowledgeAsync(platform, id);
                acknowledged.Add(id);
            }
        }
    }

    private static Task AcknowledgeAsync(TestSubscriber platform, long alarmId)
    {
        var ack = new CommandRequest
        {
            RequestId = "ack-" + alarmId.ToString(CultureInfo.InvariantCulture),
            Name = "ack",
            Ack = new AckArgs { AlarmId = (ulong)alarmId },
        };
        return platform.PublishAsync(TopicRoot + "cmd/ack", ack.ToByteArray());
    }

    /// <summary>
    /// Acknowledges every alarm still pending that has arrived (again every second) until the store has stayed empty for a
    /// second: an upload request left in the box's broker session by the last killed child may still add chunks at first.
    /// </summary>
    private async Task<bool> DrainCompletelyAsync(TestSubscriber platform, HashSet<long> acknowledged, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        var lastAck = new Dictionary<long, TimeSpan>();
        TimeSpan? emptySince = null;
        while (deadline.Elapsed < timeout)
        {
            var pending = OutboxInspector.Inspect(OutboxDirectory).Pending;
            if (pending.Count > 0)
            {
                emptySince = null;
            }
            else if ((emptySince ??= deadline.Elapsed) < deadline.Elapsed - TimeSpan.FromSeconds(1))
            {
                return true;
            }

            var arrived = AlarmIds(platform.Messages);
            foreach (var alarm in pending.Where(p => p.Class == MessageClass.Alarm && arrived.Contains(p.Id)))
            {
                if (!lastAck.TryGetValue(alarm.Id, out var at) || deadline.Elapsed - at > TimeSpan.FromSeconds(1))
                {
                    await AcknowledgeAsync(platform, alarm.Id);
                    acknowledged.Add(alarm.Id);
                    lastAck[alarm.Id] = deadline.Elapsed;
                }
            }

            await Task.Delay(100);
        }

        return false;
    }

    private static HashSet<long> AlarmIds(IReadOnlyList<TestSubscriber.Received> messages) =>
        messages.Where(m => m.Topic == TopicRoot + UplinkStreams.Alarms).Select(m => (long)m.Envelope.MessageId).ToHashSet();

    private static int OutboxArrivals(IReadOnlyList<TestSubscriber.Received> messages, int from)
    {
        var count = 0;
        for (var i = from; i < messages.Count; i++)
        {
            count += StreamOf(messages[i].Topic) is not null ? 1 : 0;
        }

        return count;
    }

    private static string? StreamOf(string topic) =>
        topic.StartsWith(TopicRoot, StringComparison.Ordinal) && OutboxStreams.Contains(topic[TopicRoot.Length..]) ? topic[TopicRoot.Length..] : null;

    // ----------------------------------------------------------------------------------------------------------------
    // The box's side: its own record of what it accepted

    private void RecordReportedAcceptance(EdgegwProcess gateway)
    {
        foreach (var line in gateway.Lines)
        {
            if (TestAlarmQueued().Match(line) is { Success: true } match)
            {
                _reportedAccepted.Add(long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture));
            }
        }
    }

    [GeneratedRegex(@"Test alarm queued as message (\d+)")]
    private static partial Regex TestAlarmQueued();

    /// <summary>
    /// Reads the store as the next child will find it (read-only, the child is dead): SIGKILL can only leave a torn tail,
    /// never damage; the id high-water mark never goes back; an id never names two different records.
    /// </summary>
    private IReadOnlyList<PendingMessageInfo> SnapshotStore(int round)
    {
        var inspection = OutboxInspector.Inspect(OutboxDirectory);
        if (!inspection.Healthy)
        {
            _storeViolations.Add($"round {round}: the store has damaged bytes after a SIGKILL: " +
                string.Join("; ", inspection.Segments.Where(s => s.IsDamaged).Select(s => $"{s.File} {string.Join(',', s.Damaged)}")));
        }

        if (inspection.LastId < _lastIdOnDisk)
        {
            _storeViolations.Add($"round {round}: the store's last id went back from {_lastIdOnDisk} to {inspection.LastId}: ids will be reused");
        }

        _lastIdOnDisk = Math.Max(_lastIdOnDisk, inspection.LastId);
        _segmentsOnDisk = inspection.Segments.Count;
        if (inspection.Segments.Any(s => s.TornTailOffset >= 0))
        {
            // The kill cut a group commit's write short: the next open truncates it (this is the case that must lose nothing accepted).
            _tornWrites++;
        }

        foreach (var message in inspection.Pending)
        {
            var record = ReadStoredRecord(inspection.Directory, message);
            if (_stored.TryGetValue(message.Id, out var earlier) && !earlier.SameAs(record))
            {
                _storeViolations.Add($"round {round}: id {message.Id} was {earlier} after an earlier kill and is now {record}: the store re-used an id");
            }

            _stored[message.Id] = record;
        }

        return inspection.Pending;
    }

    /// <summary>One message record at its file and offset (docs/outbox.md, "On-disk format": prefix 12 B, then stream u16,
    /// boot u16, id i64, monotonic i64, wall i64, payload). The inspector already checked its CRC.</summary>
    private static StoredRecord ReadStoredRecord(string directory, PendingMessageInfo message)
    {
        using var file = File.OpenHandle(Path.Combine(directory, message.File));
        Span<byte> prefix = stackalloc byte[12];
        RandomAccess.Read(file, prefix, message.Offset);
        var body = new byte[BinaryPrimitives.ReadInt32LittleEndian(prefix[4..])];
        var read = RandomAccess.Read(file, body, message.Offset + prefix.Length);
        Assert.Equal(body.Length, read);
        Assert.Equal(message.Id, BinaryPrimitives.ReadInt64LittleEndian(body.AsSpan(4)));
        return new StoredRecord(message.Stream, message.Class, BinaryPrimitives.ReadInt64LittleEndian(body.AsSpan(12)),
            BinaryPrimitives.ReadInt64LittleEndian(body.AsSpan(20)), message.WallSynchronized, body[28..]);
    }

    private sealed record StoredRecord(string Stream, MessageClass Class, long MonotonicMicros, long WallUnixMillis, bool WallSynchronized, byte[] Payload)
    {
        public bool SameAs(StoredRecord other) =>
            Stream == other.Stream && Class == other.Class && MonotonicMicros == other.MonotonicMicros && WallUnixMillis == other.WallUnixMillis
            && WallSynchronized == other.WallSynchronized && Payload.AsSpan().SequenceEqual(other.Payload);

        public override string ToString() =>
            $"{Class} on '{Stream}' at {MonotonicMicros} µs, {Payload.Length} B ({Convert.ToHexString(Payload.AsSpan(0, Math.Min(16, Payload.Length)))}…)";
    }

    // ----------------------------------------------------------------------------------------------------------------
    // The verdict

    private sealed record Verdict(List<string> Violations, int Arrivals, int DistinctIds, int Duplicates, SortedDictionary<string, int> IdsPerStream);

    /// <summary>One record as the platform received it, with what may differ between deliveries already cleared.</summary>
    private sealed record Delivery(int Arrival, string Stream, long Id, byte[] Canonical, Envelope Envelope);

    private Verdict Judge(IReadOnlyList<TestSubscriber.Received> messages, long lastId)
    {
        var violations = new List<string>();
        var first = new Dictionary<long, Delivery>();
        var arrivals = 0;
        var duplicates = 0;
        var lastFirstIdPerStream = new Dictionary<string, long>();
        for (var i = 0; i < messages.Count; i++)
        {
            if (StreamOf(messages[i].Topic) is not { } stream)
            {
                continue;
            }

            arrivals++;
            foreach (var delivery in Deliveries(messages[i], i, stream, violations))
            {
                if (first.TryGetValue(delivery.Id, out var earlier))
                {
                    duplicates++;
                    if (earlier.Stream != delivery.Stream || !earlier.Canonical.AsSpan().SequenceEqual(delivery.Canonical))
                    {
                        violations.Add($"(c) id {delivery.Id} arrived with two different contents (arrivals {earlier.Arrival} and {delivery.Arrival}): " +
                            $"{earlier.Envelope} | {delivery.Envelope}");
                    }

                    continue;
                }

                first.Add(delivery.Id, delivery);
                // (b) Ids are allocated in acceptance order and the uplink publishes in id order, re-sending from the oldest
                // pending id after a restart: a re-send may repeat an older id, but an id's first arrival is never behind a newer one.
                if (lastFirstIdPerStream.TryGetValue(stream, out var previous) && delivery.Id < previous)
                {
                    violations.Add($"(b) on '{stream}' id {delivery.Id} arrived for the first time (arrival {delivery.Arrival}) after id {previous}");
                }

                lastFirstIdPerStream[stream] = Math.Max(previous, delivery.Id);
                if (_stored.TryGetValue(delivery.Id, out var stored) && Differs(stored, delivery) is { } difference)
                {
                    violations.Add($"(c) id {delivery.Id} as received differs from what the store held under that id: {difference}");
                }
            }
        }

        // (a) Ids are allocated only when an append is admitted, and a group commit reaches the file as a prefix of its ids
        // (a SIGKILL tears at most its end, which the next open cuts and whose ids it allocates again, never having shown
        // them to the uplink). With no failed appends and no segment roll inside a run (16 MB segments), every id from 1
        // to the store's last id therefore names a message that was on disk: each one must have arrived.
        var missing = new List<long>();
        for (var id = 1L; id <= lastId; id++)
        {
            if (!first.ContainsKey(id))
            {
                missing.Add(id);
            }
        }

        if (missing.Count > 0)
        {
            violations.Add($"(a) {missing.Count} id(s) up to the store's last id {lastId} never arrived: {string.Join(',', missing.Take(50))}");
        }

        var beyond = first.Keys.Where(id => id > lastId).Order().ToList();
        if (beyond.Count > 0)
        {
            violations.Add($"(a) ids above the store's last id {lastId} arrived: {string.Join(',', beyond.Take(20))}");
        }

        var reportedMissing = _reportedAccepted.Where(id => !first.ContainsKey(id)).ToList();
        if (reportedMissing.Count > 0)
        {
            violations.Add($"(a) the box logged these ids as accepted and they never arrived: {string.Join(',', reportedMissing)}");
        }

        var perStream = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var delivery in first.Values)
        {
            perStream[delivery.Stream] = perStream.GetValueOrDefault(delivery.Stream) + 1;
        }

        return new Verdict(violations, arrivals, first.Count, duplicates, perStream);
    }

    /// <summary>
    /// The records one message carries, in a form that is equal for every delivery of the same record: docs/uplink.md lets
    /// only an alarm's <c>attempt</c> and the wall time of a record taken before clock sync change between deliveries, and a
    /// telemetry batch carries each record's id and times as offsets from the batch (telemetry.proto), so a record is
    /// compared by its absolute values, whatever batch it travelled in.
    /// </summary>
    private static IEnumerable<Delivery> Deliveries(TestSubscriber.Received message, int arrival, string stream, List<string> violations)
    {
        Envelope envelope;
        try
        {
            envelope = message.Envelope;
        }
        catch (InvalidProtocolBufferException e)
        {
            violations.Add($"arrival {arrival} on '{stream}' is not an edgegw.v1 envelope: {e.Message}");
            yield break;
        }

        if (envelope.MessageId == 0 || envelope.BoxId != BoxId || envelope.LiftId != LiftId)
        {
            violations.Add($"arrival {arrival} on '{stream}' has id {envelope.MessageId}, box '{envelope.BoxId}', lift '{envelope.LiftId}'");
            yield break;
        }

        if (envelope.BodyCase == Envelope.BodyOneofCase.Telemetry)
        {
            foreach (var record in envelope.Telemetry.Records)
            {
                var absolute = record.Clone();
                absolute.IdOffset = 0;
                absolute.MonotonicOffsetMicros += envelope.MonotonicMicros;
                absolute.WallOffsetMs = MayBeCorrected(envelope) ? 0 : absolute.WallOffsetMs + envelope.WallUnixMs;
                yield return new Delivery(arrival, stream, (long)(envelope.MessageId + record.IdOffset),
                    [.. absolute.ToByteArray(), .. envelope.BootId.ToByteArray()], envelope);
            }

            yield break;
        }

        if (envelope.BodyCase == Envelope.BodyOneofCase.Alarm && envelope.Alarm.AlarmId != envelope.MessageId)
        {
            violations.Add($"arrival {arrival}: alarm_id {envelope.Alarm.AlarmId} is not the message id {envelope.MessageId}");
        }

        var canonical = envelope.Clone();
        if (canonical.BodyCase == Envelope.BodyOneofCase.Alarm)
        {
            canonical.Alarm.Attempt = 0;
        }

        if (MayBeCorrected(canonical))
        {
            canonical.WallUnixMs = 0;
            canonical.WallSynchronized = false;
            canonical.WallCorrected = false;
        }

        yield return new Delivery(arrival, stream, (long)envelope.MessageId, canonical.ToByteArray(), envelope);
    }

    /// <summary>
    /// A record taken before the clock was synchronised goes out with its stored wall time while the clock is still
    /// unsynchronised, and with a wall time derived at publish (<c>wall_corrected</c>) once it is (docs/uplink.md, "Time").
    /// </summary>
    private static bool MayBeCorrected(Envelope envelope) => !envelope.WallSynchronized || envelope.WallCorrected;

    /// <summary>What the uplink published under an id must be what the store held under it: the stored body with the header filled in.</summary>
    private static string? Differs(StoredRecord stored, Delivery delivery)
    {
        var received = delivery.Envelope;
        if (stored.Stream != delivery.Stream || (int)stored.Class != (int)received.MessageClass)
        {
            return $"stored {stored}, received {received.MessageClass} on '{delivery.Stream}'";
        }

        if (received.BodyCase == Envelope.BodyOneofCase.Telemetry)
        {
            return null;
        }

        if (received.MonotonicMicros != stored.MonotonicMicros || (!received.WallCorrected && received.WallUnixMs != stored.WallUnixMillis))
        {
            return $"stored {stored}, received monotonic {received.MonotonicMicros} µs, wall {received.WallUnixMs}";
        }

        var body = Envelope.Parser.ParseFrom(stored.Payload);
        var published = received.Clone();
        published.MessageId = 0;
        published.BoxId = string.Empty;
        published.LiftId = string.Empty;
        published.SchemaVersion = 0;
        published.MessageClass = 0;
        published.MonotonicMicros = 0;
        published.BootId = ByteString.Empty;
        published.WallUnixMs = 0;
        published.WallSynchronized = false;
        published.WallCorrected = false;
        if (published.BodyCase == Envelope.BodyOneofCase.Alarm && body.BodyCase == Envelope.BodyOneofCase.Event)
        {
            // A grade-1 event is stored as an event and published wrapped in an alarm naming its id.
            published.Event = published.Alarm.Event;
        }
        else if (published.BodyCase == Envelope.BodyOneofCase.Alarm)
        {
            published.Alarm.AlarmId = 0;
            published.Alarm.Attempt = 0;
        }

        return published.Equals(body) ? null : $"stored body {body}, published {published}";
    }

    private void Log(string line) => _output.WriteLine(line);
}
