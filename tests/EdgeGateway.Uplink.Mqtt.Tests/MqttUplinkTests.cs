using EdgeGateway.Core.Events;
using EdgeGateway.Outbox;
using EdgeGateway.Testing.Mqtt;
using EdgeGateway.Uplink.Mqtt.Schema;
using EdgeGateway.Uplink.Mqtt.Schema.V1;
using EdgeGateway.Uplink.Mqtt.Tests.Support;

namespace EdgeGateway.Uplink.Mqtt.Tests;

/// <summary>The uplink against a real mosquitto and the real segment-log outbox.</summary>
public sealed class MqttUplinkTests
{
    private static string AllTopics => $"lifts/{UplinkHarness.LiftId}/#";

    [Fact]
    public async Task Events_arrive_at_QoS1_with_envelope_and_are_removed_after_PUBACK()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var platform = await TestSubscriber.ConnectAsync(broker.Host, broker.Port, AllTopics);
        await using var harness = await UplinkHarness.CreateAsync(o => o.Port = broker.Port);
        var id = await harness.EnqueueEventAsync(EventType.StoppedOutsideDoorZone, EventPhase.Raised, floor: 4);
        harness.StartUplink();

        var topic = harness.Topics.ForStream(UplinkStreams.Events);
        Assert.True(await platform.WaitUntilAsync(m => m.Any(x => x.Topic == topic)), broker.ReadLog());
        var envelope = platform.On(topic).Single().Envelope;
        Assert.Equal((ulong)id, envelope.MessageId);
        Assert.Equal(UplinkHarness.BoxId, envelope.BoxId);
        Assert.Equal(UplinkHarness.LiftId, envelope.LiftId);
        Assert.Equal(1u, envelope.SchemaVersion);
        Assert.Equal(Mqtt.Schema.V1.MessageClass.Event, envelope.MessageClass);
        Assert.True(envelope.WallSynchronized);
        Assert.Equal(16, envelope.BootId.Length);
        Assert.Equal("stopped_outside_door_zone", envelope.Event.Type);
        Assert.Equal(4u, envelope.Event.Code);
        Assert.Equal(4, envelope.Event.Floor);
        Assert.True(await harness.WaitUntilAsync(() => harness.Outbox.GetStatistics().PendingMessages == 0));
    }

    [Fact]
    public async Task Birth_is_retained_online_and_the_will_says_offline_when_the_link_dies()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        using var proxy = new TcpProxy(broker.Port);
        await using var harness = await UplinkHarness.CreateAsync(o => { o.Port = proxy.Port; o.ReconnectInitialDelay = TimeSpan.FromSeconds(5); o.ReconnectMaxDelay = TimeSpan.FromSeconds(5); });
        harness.StartUplink();
        Assert.True(await harness.WaitUntilAsync(() => harness.Uplink!.State == UplinkConnectionState.Connected), $"{harness.Uplink!.State} {harness.Uplink.LastError} {broker.ReadLog()}");

        // A subscriber that comes later still sees the retained birth.
        await using var platform = await TestSubscriber.ConnectAsync(broker.Host, broker.Port, AllTopics);
        var status = harness.Topics.Status;
        Assert.True(await platform.WaitUntilAsync(m => m.Any(x => x.Topic == status)));
        var birth = platform.On(status).Single();
        Assert.True(birth.Retain);
        Assert.True(birth.Envelope.Birth.Online);
        Assert.Equal("5.0", birth.Envelope.Birth.MqttProtocol);

        proxy.SeverAll();
        Assert.True(await platform.WaitUntilAsync(m => m.Count(x => x.Topic == status) >= 2), broker.ReadLog());
        var will = platform.On(status)[1].Envelope;
        Assert.False(will.Birth.Online);
        Assert.Equal(Mqtt.Schema.V1.MessageClass.Control, will.MessageClass);
    }

    [Fact]
    public async Task Broker_outage_queued_messages_all_arrive_in_order_per_stream_exactly_once_after_dedup()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var platform = await TestSubscriber.ConnectAsync(broker.Host, broker.Port, AllTopics);
        // The box reaches the broker through a proxy, so after the outage the platform can be subscribed again before
        // the box reconnects: what the box publishes before then would otherwise miss the (non-persistent) subscriber.
        using var link = new TcpProxy(broker.Port);
        await using var harness = await UplinkHarness.CreateAsync(o => { o.Port = link.Port; o.TelemetryBatchSize = 7; });
        harness.StartUplink();
        var expected = new List<long>();
        for (var i = 0; i < 20; i++)
        {
            expected.Add(await harness.EnqueueEventAsync(EventType.DoorCloseFailure));
        }

        Assert.True(await harness.WaitUntilAsync(() => harness.Outbox.GetStatistics().PendingMessages == 0));
        await broker.StopAsync();
        Assert.True(await harness.WaitUntilAsync(() => harness.Uplink!.State != UplinkConnectionState.Connected));

        // Queued during the outage: events and telemetry interleaved.
        var telemetry = new List<long>();
        for (var i = 0; i < 300; i++)
        {
            expected.Add(await harness.EnqueueEventAsync(EventType.DoorOpenFailure, floor: i));
            var status = new StatusRecord(i, default, default, Core.Signals.LiftMode.Normal, false, true, (ulong)i, 0, 0, 0, 0, 0, 0, 0, 0);
            telemetry.Add(await harness.Outbox.EnqueueAsync(harness.Records.ForStatus(status)));
        }

        link.RefuseConnections = true;
        await broker.StartAgainAsync();
        await platform.ReconnectAsync(broker.Host, broker.Port, AllTopics);
        link.RefuseConnections = false;
        Assert.True(await harness.WaitUntilAsync(() => harness.Outbox.GetStatistics().PendingMessages == 0, TimeSpan.FromSeconds(30)), broker.ReadLog());

        var events = platform.On(harness.Topics.ForStream(UplinkStreams.Events)).Select(m => (long)m.Envelope.MessageId).ToList();
        Assert.Equal(expected, events.Distinct().ToList());
        AssertNonDecreasingAfterEachRestartOfTheStream(events);

        var telemetryIds = new List<long>();
        foreach (var message in platform.On(harness.Topics.ForStream(UplinkStreams.Telemetry)))
        {
            var envelope = message.Envelope;
            Assert.InRange(envelope.Telemetry.Records.Count, 1, 7);
            telemetryIds.AddRange(envelope.Telemetry.Records.Select(r => (long)envelope.MessageId + r.IdOffset));
            Assert.Equal(envelope.MessageId + envelope.Telemetry.Records[^1].IdOffset, Math.Max(envelope.LastMessageId, envelope.MessageId));
        }

        Assert.Equal(telemetry, telemetryIds.Distinct().ToList());
        Assert.Contains(platform.On(harness.Topics.ForStream(UplinkStreams.Telemetry)), m => m.Envelope.Telemetry.Records.Count > 1);
    }

    /// <summary>At-least-once redelivery after a reconnect restarts from the oldest unremoved id; within each pass ids rise.</summary>
    private static void AssertNonDecreasingAfterEachRestartOfTheStream(List<long> ids)
    {
        var seen = new HashSet<long>();
        long last = 0;
        foreach (var id in ids)
        {
            if (id <= last)
            {
                // A redelivery pass may only repeat ids already delivered.
                Assert.Contains(id, seen);
            }

            seen.Add(id);
            last = id;
        }
    }

    [Fact]
    public async Task Alarm_is_republished_until_acknowledged_then_stops_and_leaves_the_outbox()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var platform = await TestSubscriber.ConnectAsync(broker.Host, broker.Port, AllTopics);
        await using var harness = await UplinkHarness.CreateAsync(o => o.Port = broker.Port);
        harness.StartUplink();
        var alarmId = await harness.EnqueueEventAsync(EventType.Entrapment);
        var alarms = harness.Topics.ForStream(UplinkStreams.Alarms);

        Assert.True(await platform.WaitUntilAsync(m => m.Count(x => x.Topic == alarms) >= 3), broker.ReadLog());
        var attempts = platform.On(alarms).Select(m => m.Envelope).ToList();
        Assert.All(attempts, e => Assert.Equal((ulong)alarmId, e.Alarm.AlarmId));
        Assert.All(attempts, e => Assert.Equal("entrapment", e.Alarm.Event.Type));
        Assert.Equal([1u, 2u, 3u], attempts.Take(3).Select(e => e.Alarm.Attempt));
        Assert.Equal(1, harness.Outbox.GetStatistics().PendingAlarms);

        var ack = new CommandRequest { RequestId = "ack-1", Ack = new AckArgs { AlarmId = (ulong)alarmId } };
        await platform.PublishAsync(harness.Topics.ForCommand("ack"), Google.Protobuf.MessageExtensions.ToByteArray(ack));
        Assert.True(await platform.WaitUntilAsync(m => m.Any(x => x.Topic == harness.Topics.CommandResponse)));
        var response = platform.On(harness.Topics.CommandResponse).Single().Envelope.CommandResponse;
        Assert.Equal(CommandOutcome.Accepted, response.Outcome);
        Assert.Equal("ack-1", response.RequestId);
        Assert.True(await harness.WaitUntilAsync(() => harness.Outbox.GetStatistics().PendingAlarms == 0));

        // After the ack nothing more arrives: wait two full backoff periods (bounded) and count again.
        var count = platform.On(alarms).Count;
        await Task.Delay(harness.Options.AlarmRepublishMaxDelay * 2.5);
        Assert.True(platform.On(alarms).Count <= count + 1, "at most one publication that was already under way");
        Assert.Equal(0, harness.Uplink!.PendingAlarms);
    }

    [Fact]
    public async Task An_ack_is_answered_while_a_set_config_is_on_trial_and_a_second_set_config_is_busy()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var platform = await TestSubscriber.ConnectAsync(broker.Host, broker.Port, AllTopics);
        await using var harness = await UplinkHarness.CreateAsync(o => o.Port = broker.Port);
        var config = new TrialHeldConfigTarget();
        harness.Handlers = new Uplink.Mqtt.Commands.RemoteCommandHandlers(Config: config);
        harness.StartUplink();
        var alarmId = await harness.EnqueueEventAsync(EventType.Entrapment);
        var alarms = harness.Topics.ForStream(UplinkStreams.Alarms);
        Assert.True(await platform.WaitUntilAsync(m => m.Any(x => x.Topic == alarms)), broker.ReadLog());

        CommandResponse? ResponseTo(string requestId) =>
            platform.On(harness.Topics.CommandResponse).Select(m => m.Envelope.CommandResponse).SingleOrDefault(r => r.RequestId == requestId);
        async Task SendAsync(string name, CommandRequest request) =>
            await platform.PublishAsync(harness.Topics.ForCommand(name), Google.Protobuf.MessageExtensions.ToByteArray(request));

        await SendAsync("set_config", new CommandRequest { RequestId = "cfg-1", SetConfig = new SetConfigArgs { ConfigJson = """{"x":1}""" } });
        Assert.True(await config.TrialStarted.Task.WaitAsync(TimeSpan.FromSeconds(10)) == """{"x":1}""");

        // The trial holds: the ack goes through and its alarm leaves the outbox meanwhile.
        await SendAsync("ack", new CommandRequest { RequestId = "ack-1", Ack = new AckArgs { AlarmId = (ulong)alarmId } });
        Assert.True(await platform.WaitUntilAsync(_ => ResponseTo("ack-1") is not null));
        Assert.Equal(CommandOutcome.Accepted, ResponseTo("ack-1")!.Outcome);
        Assert.True(await harness.WaitUntilAsync(() => harness.Outbox.GetStatistics().PendingAlarms == 0));

        await SendAsync("set_config", new CommandRequest { RequestId = "cfg-2", SetConfig = new SetConfigArgs { ConfigJson = """{"x":2}""" } });
        Assert.True(await platform.WaitUntilAsync(_ => ResponseTo("cfg-2") is not null));
        Assert.Equal(CommandOutcome.Rejected, ResponseTo("cfg-2")!.Outcome);
        Assert.Contains("busy: set_config 'cfg-1'", ResponseTo("cfg-2")!.Reason, StringComparison.Ordinal);
        Assert.Null(ResponseTo("cfg-1"));
        Assert.Equal(1, config.ApplyCalls);

        config.EndTrial.SetResult();
        Assert.True(await platform.WaitUntilAsync(_ => ResponseTo("cfg-1") is not null));
        Assert.Equal(CommandOutcome.Accepted, ResponseTo("cfg-1")!.Outcome);
        Assert.Equal("""{"x":1}""", ResponseTo("cfg-1")!.ConfigJson);

        // Once it is done, the next set_config is taken again.
        config.EndTrial = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        config.EndTrial.SetResult();
        await SendAsync("set_config", new CommandRequest { RequestId = "cfg-3", SetConfig = new SetConfigArgs { ConfigJson = """{"x":3}""" } });
        Assert.True(await platform.WaitUntilAsync(_ => ResponseTo("cfg-3") is not null));
        Assert.Equal(CommandOutcome.Accepted, ResponseTo("cfg-3")!.Outcome);
        Assert.Equal(2, config.ApplyCalls);
    }

    [Fact]
    public async Task Unacknowledged_alarm_is_sent_again_after_a_service_restart_and_stops_when_acked()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var platform = await TestSubscriber.ConnectAsync(broker.Host, broker.Port, AllTopics);
        await using var harness = await UplinkHarness.CreateAsync(o => { o.Port = broker.Port; o.AlarmRepublishInitialDelay = TimeSpan.FromMinutes(5); o.AlarmRepublishMaxDelay = TimeSpan.FromMinutes(5); });
        await broker.StopAsync();
        harness.StartUplink();
        var alarmId = await harness.EnqueueEventAsync(EventType.Entrapment);
        await harness.StopUplinkAsync();
        await broker.StartAgainAsync();
        await platform.ReconnectAsync(broker.Host, broker.Port, AllTopics);
        await harness.RestartServiceAsync();

        var alarms = harness.Topics.ForStream(UplinkStreams.Alarms);
        Assert.True(await platform.WaitUntilAsync(m => m.Any(x => x.Topic == alarms)), broker.ReadLog());
        Assert.Equal((ulong)alarmId, platform.On(alarms)[0].Envelope.Alarm.AlarmId);

        // Restart again without an ack: it comes again (a new process starts its attempts at 1).
        await harness.RestartServiceAsync();
        Assert.True(await platform.WaitUntilAsync(m => m.Count(x => x.Topic == alarms) >= 2));
        Assert.All(platform.On(alarms), m => Assert.Equal((ulong)alarmId, m.Envelope.Alarm.AlarmId));

        var ack = new CommandRequest { RequestId = "ack-after-restart", Ack = new AckArgs { AlarmId = (ulong)alarmId } };
        await platform.PublishAsync(harness.Topics.ForCommand("ack"), Google.Protobuf.MessageExtensions.ToByteArray(ack));
        Assert.True(await harness.WaitUntilAsync(() => harness.Outbox.GetStatistics().PendingAlarms == 0));
        var count = platform.On(alarms).Count;
        await harness.RestartServiceAsync();
        Assert.True(await harness.WaitUntilAsync(() => harness.Uplink!.State == UplinkConnectionState.Connected));
        await Task.Delay(500);
        Assert.Equal(count, platform.On(alarms).Count);
    }

    [Fact]
    public async Task Forced_MQTT_3_1_1_works()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var platform = await TestSubscriber.ConnectAsync(broker.Host, broker.Port, AllTopics);
        await using var harness = await UplinkHarness.CreateAsync(o => { o.Port = broker.Port; o.Protocol = MqttProtocol.V311; });
        harness.StartUplink();
        var id = await harness.EnqueueEventAsync(EventType.LinkLost);

        var events = harness.Topics.ForStream(UplinkStreams.Events);
        Assert.True(await platform.WaitUntilAsync(m => m.Any(x => x.Topic == events)), broker.ReadLog());
        Assert.Equal((ulong)id, platform.On(events).Single().Envelope.MessageId);
        Assert.Equal("3.1.1", harness.Uplink!.Protocol);
        Assert.Equal("3.1.1", platform.On(harness.Topics.Status).Single().Envelope.Birth.MqttProtocol);
        // mosquitto logs its protocol enum: p1 = 3.1, p2 = 3.1.1, p5 = 5.0.
        Assert.True(await platform.WaitUntilAsync(_ => broker.ReadLog().Contains($"as edgegw-{UplinkHarness.BoxId} (p2,", StringComparison.Ordinal)), broker.ReadLog());
    }

    [Fact]
    public async Task Json_payload_mode_publishes_protobuf_json_mapping()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var platform = await TestSubscriber.ConnectAsync(broker.Host, broker.Port, AllTopics);
        await using var harness = await UplinkHarness.CreateAsync(o => { o.Port = broker.Port; o.PayloadFormat = PayloadFormat.Json; });
        harness.StartUplink();
        var id = await harness.EnqueueEventAsync(EventType.PowerLoss);

        var events = harness.Topics.ForStream(UplinkStreams.Events);
        Assert.True(await platform.WaitUntilAsync(m => m.Any(x => x.Topic == events)));
        var text = System.Text.Encoding.UTF8.GetString(platform.On(events).Single().Payload);
        Assert.StartsWith("{", text, StringComparison.Ordinal);
        Assert.Contains("\"type\": \"power_loss\"", text, StringComparison.Ordinal);
        Assert.Equal((ulong)id, UplinkPayloads.Parse(System.Text.Encoding.UTF8.GetBytes(text)).MessageId);
    }

    [Fact]
    public async Task Username_and_password_are_used_and_a_wrong_password_is_refused()
    {
        await using var broker = await MosquittoBroker.StartAsync(new MosquittoOptions { Username = "box", Password = "s3cret-pass" });
        await using var wrong = await UplinkHarness.CreateAsync(o => { o.Port = broker.Port; o.Username = "box"; o.Password = "wrong"; });
        wrong.StartUplink();
        Assert.True(await wrong.WaitUntilAsync(() => wrong.Uplink!.LastError is not null));
        Assert.Contains("NotAuthorized", wrong.Uplink!.LastError, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("wrong", wrong.Uplink.LastError, StringComparison.Ordinal);
        await wrong.StopUplinkAsync();

        await using var right = await UplinkHarness.CreateAsync(o => { o.Port = broker.Port; o.Username = "box"; o.Password = "s3cret-pass"; });
        right.StartUplink();
        Assert.True(await right.WaitUntilAsync(() => right.Uplink!.State == UplinkConnectionState.Connected), right.Uplink!.LastError);
    }

    [Fact]
    public async Task Disabled_uplink_never_connects_and_keeps_messages_queued()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var harness = await UplinkHarness.CreateAsync(o => { o.Port = broker.Port; o.Enabled = false; });
        harness.StartUplink();
        await harness.EnqueueEventAsync(EventType.DoorOpenFailure);
        Assert.True(await harness.WaitUntilAsync(() => harness.Uplink!.State == UplinkConnectionState.Disabled));
        await Task.Delay(300);
        Assert.Equal(1, harness.Outbox.GetStatistics().PendingMessages);
        Assert.DoesNotContain("edgegw-" + UplinkHarness.BoxId, broker.ReadLog(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Test_alarm_is_queued_when_due_travels_the_alarm_path_and_its_time_is_persisted()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var platform = await TestSubscriber.ConnectAsync(broker.Host, broker.Port, AllTopics);
        await using var harness = await UplinkHarness.CreateAsync(o => { o.Port = broker.Port; o.TestAlarmInterval = TimeSpan.FromDays(3); });
        harness.StartUplink();
        var alarms = harness.Topics.ForStream(UplinkStreams.Alarms);
        Assert.True(await platform.WaitUntilAsync(m => m.Any(x => x.Topic == alarms)));
        var alarm = platform.On(alarms)[0].Envelope.Alarm;
        Assert.Equal("test_alarm", alarm.Event.Type);
        Assert.Equal(99u, alarm.Event.Code);
        // The time is persisted right after the alarm is durably queued, which may be just after it was published.
        var stateFile = Path.Combine(harness.Options.StateDirectory, Mqtt.Alarms.TestAlarmScheduler.StateFileName);
        Assert.True(await harness.WaitUntilAsync(() => File.Exists(stateFile)));

        // A restart within the interval does not send another one.
        await harness.RestartServiceAsync();
        Assert.True(await harness.WaitUntilAsync(() => harness.Uplink!.State == UplinkConnectionState.Connected));
        await Task.Delay(300);
        Assert.Equal(1, harness.Outbox.GetStatistics().PendingAlarms);
    }
}
