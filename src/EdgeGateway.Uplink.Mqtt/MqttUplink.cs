using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Channels;
using EdgeGateway.Outbox;
using EdgeGateway.Uplink.Mqtt.Alarms;
using EdgeGateway.Uplink.Mqtt.Commands;
using EdgeGateway.Uplink.Mqtt.Schema;
using EdgeGateway.Uplink.Mqtt.Schema.V1;
using EdgeGateway.Uplink.Mqtt.Time;
using Google.Protobuf;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Adapter;
using MQTTnet.Exceptions;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace EdgeGateway.Uplink.Mqtt;

/// <summary>Who the uplink speaks for: every message names the box and the lift.</summary>
/// <param name="LiftId">The 20-digit registration code or any site id; also the topic root <c>lifts/{LiftId}</c>.</param>
public sealed record UplinkIdentity(string BoxId, string LiftId, string SoftwareVersion = "");

public enum UplinkConnectionState
{
    /// <summary>Mqtt:Enabled is false: messages stay queued.</summary>
    Disabled,
    Connecting,
    Connected,
    /// <summary>Waiting to reconnect (see <see cref="MqttUplink.LastError"/>).</summary>
    Disconnected,
    Stopped,
}

/// <summary>
/// Store-and-forward MQTT uplink. Drains the <see cref="IOutbox"/> in id order (so in order per stream), publishes at
/// QoS 1 and removes events and telemetry only after the broker's PUBACK. Alarms are published at once, ahead of the
/// rest, and re-published with backoff until the platform acknowledges them by id (<c>cmd/ack</c>); only then are they
/// removed, so they are re-sent after a restart until acknowledged. Keeps a retained birth/will on <c>status</c>,
/// reconnects with full-jitter exponential backoff, answers remote commands on <c>cmd/{name}</c>, and queues the
/// EN 81-28 periodic test alarm. Nothing connects before <see cref="RunAsync"/>.
/// </summary>
public sealed class MqttUplink : BackgroundService
{
    private const int CommandQueueCapacity = 64;

    /// <summary>Broker-side session lifetime (MQTT 5 session expiry): commands (acks above all) sent while the box is
    /// offline for up to a day are delivered when it reconnects.</summary>
    private const uint SessionExpirySeconds = 24 * 60 * 60;

    private static readonly TimeSpan MaxIdleWait = TimeSpan.FromSeconds(30);

    private readonly MqttUplinkOptions _options;
    private readonly UplinkIdentity _identity;
    private readonly IOutbox _outbox;
    private readonly UplinkRecordFactory _records;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly UplinkTopics _topics;
    private readonly EnvelopeEncoder _encoder;
    private readonly AlarmTracker _alarms;
    private readonly CommandProcessor _commands;
    private readonly TestAlarmScheduler _testAlarms;
    private readonly ReconnectBackoff _backoff;
    private readonly MqttClientFactory _factory = new();
    private readonly Channel<ReceivedCommand> _commandQueue =
        Channel.CreateBounded<ReceivedCommand>(new BoundedChannelOptions(CommandQueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });

    private volatile IMqttClient? _client;
    private MqttProtocolVersion? _fallbackProtocol;
    private long _published;
    private int _inFlightLimit = 1;

    public MqttUplink(
        IOptions<MqttUplinkOptions> options,
        UplinkIdentity identity,
        IOutbox outbox,
        UplinkRecordFactory records,
        RemoteCommandHandlers handlers,
        ILogger<MqttUplink> logger)
    {
        _options = options.Value;
        _identity = identity;
        _outbox = outbox;
        _records = records;
        _logger = logger;
        _time = records.Monotonic.TimeProvider;
        _topics = new UplinkTopics(identity.LiftId);
        _encoder = new EnvelopeEncoder(identity.BoxId, identity.LiftId, _options.PayloadFormat);
        _alarms = new AlarmTracker(_options.AlarmRepublishInitialDelay, _options.AlarmRepublishMaxDelay);
        _commands = new CommandProcessor(_options, handlers, _alarms, outbox, records, records.Monotonic, records.Wall, logger);
        _testAlarms = new TestAlarmScheduler(_options.TestAlarmInterval, _options.StateDirectory, records.Wall, records.Monotonic);
        _backoff = new ReconnectBackoff(_options.ReconnectInitialDelay, _options.ReconnectMaxDelay);
    }

    public UplinkConnectionState State { get; private set; } = UplinkConnectionState.Stopped;

    /// <summary>"5.0" or "3.1.1" while connected, else null.</summary>
    public string? Protocol { get; private set; }

    /// <summary>Why the last connection failed or ended (no secrets), or null.</summary>
    public string? LastError { get; private set; }

    /// <summary>Publications the broker acknowledged since start (a telemetry batch counts once).</summary>
    public long PublishedCount => Interlocked.Read(ref _published);

    /// <summary>Alarms published and waiting for the platform's acknowledgement.</summary>
    public int PendingAlarms => _alarms.Count;

    public UplinkTopics Topics => _topics;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => RunAsync(stoppingToken);

    /// <summary>Runs until cancelled: connect, drain, answer commands, reconnect with backoff. Never throws for transport faults.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var testAlarms = RunTestAlarmsAsync(cancellationToken);
        if (!_options.Enabled)
        {
            State = UplinkConnectionState.Disabled;
            Log.Disabled(_logger);
            await testAlarms.ConfigureAwait(false);
            return;
        }

        var commands = ProcessCommandsAsync(cancellationToken);
        var attempt = 0;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                string reason;
                using (var client = _factory.CreateMqttClient())
                using (var session = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
                {
                    client.ApplicationMessageReceivedAsync += OnMessageReceivedAsync;
                    client.DisconnectedAsync += _ =>
                    {
                        try
                        {
                            session.Cancel();
                        }
                        catch (ObjectDisposedException)
                        {
                            // The session already ended.
                        }

                        return Task.CompletedTask;
                    };
                    try
                    {
                        State = UplinkConnectionState.Connecting;
                        var protocol = await ConnectAsync(client, cancellationToken).ConfigureAwait(false);
                        attempt = 0;
                        Protocol = protocol == MqttProtocolVersion.V500 ? "5.0" : "3.1.1";
                        _client = client;
                        LastError = null;
                        await RunSessionAsync(client, protocol, session.Token).ConfigureAwait(false);
                        reason = "session ended";
                    }
                    catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                    {
                        await SayGoodbyeAsync(client).ConfigureAwait(false);
                        break;
                    }
                    catch (OperationCanceledException) when (session.IsCancellationRequested)
                    {
                        reason = "connection lost";
                    }
                    catch (Exception e)
                    {
                        reason = Describe(e);
                    }
                    finally
                    {
                        _client = null;
                        Protocol = null;
                        client.ApplicationMessageReceivedAsync -= OnMessageReceivedAsync;
                    }
                }

                State = UplinkConnectionState.Disconnected;
                LastError = reason;
                var delay = _backoff.Next(attempt++);
                Log.ConnectionFailed(_logger, _options.Host, _options.EffectivePort, reason, delay);
                try
                {
                    await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
        finally
        {
            State = UplinkConnectionState.Stopped;
            _commandQueue.Writer.TryComplete();
            await Task.WhenAll(commands, testAlarms).ConfigureAwait(false);
        }
    }

    private async Task<MqttProtocolVersion> ConnectAsync(IMqttClient client, CancellationToken cancellationToken)
    {
        var protocol = _options.Protocol switch
        {
            MqttProtocol.V311 => MqttProtocolVersion.V311,
            MqttProtocol.V500 => MqttProtocolVersion.V500,
            _ => _fallbackProtocol ?? MqttProtocolVersion.V500,
        };
        var certificates = LoadCertificates();
        Log.Connecting(_logger, _options.Host, _options.EffectivePort, _options.Tls.Enabled, protocol == MqttProtocolVersion.V500 ? "5.0" : "3.1.1", ClientId);
        try
        {
            EnsureAccepted(await client.ConnectAsync(BuildClientOptions(protocol, certificates), cancellationToken).ConfigureAwait(false));
            return protocol;
        }
        catch (Exception e) when (_options.Protocol == MqttProtocol.Auto && protocol == MqttProtocolVersion.V500 && LooksLikeProtocolRefusal(e))
        {
            Log.FallingBackTo311(_logger, _options.Host, _options.EffectivePort, Describe(e));
            _fallbackProtocol = MqttProtocolVersion.V311;
            EnsureAccepted(await client.ConnectAsync(BuildClientOptions(MqttProtocolVersion.V311, certificates), cancellationToken).ConfigureAwait(false));
            return MqttProtocolVersion.V311;
        }
    }

    private void EnsureAccepted(MqttClientConnectResult result)
    {
        if (result.ResultCode != MqttClientConnectResultCode.Success)
        {
            throw new MqttConnectingFailedException($"Connecting with MQTT server failed ({result.ResultCode}).", null);
        }

        // MQTT 5 §3.2.2.3.3: the client must not have more unacknowledged QoS 1 publications than the server's Receive
        // Maximum. Two are kept free for a command response and an alarm published beside the drain window.
        _inFlightLimit = result.ReceiveMaximum is > 0 and var maximum
            ? Math.Min(_options.MaxInFlight, Math.Max(1, maximum - 2))
            : _options.MaxInFlight;
    }

    private async Task RunSessionAsync(IMqttClient client, MqttProtocolVersion protocol, CancellationToken cancellationToken)
    {
        var subscription = await client.SubscribeAsync(
            _factory.CreateSubscribeOptionsBuilder()
                .WithTopicFilter(f => f.WithTopic(_topics.CommandFilter).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce))
                .Build(),
            cancellationToken).ConfigureAwait(false);
        foreach (var item in subscription.Items)
        {
            if ((int)item.ResultCode > (int)MqttClientSubscribeResultCode.GrantedQoS2)
            {
                throw new MqttCommunicationException($"the broker refused the command subscription {item.TopicFilter.Topic}: {item.ResultCode}");
            }
        }

        await PublishControlAsync(client, _topics.Status, CreateBirth(online: true, protocol), retain: true, cancellationToken).ConfigureAwait(false);
        State = UplinkConnectionState.Connected;
        var statistics = _outbox.GetStatistics();
        Log.Connected(_logger, _options.Host, _options.EffectivePort, Protocol ?? "?", statistics.PendingMessages, statistics.PendingAlarms);

        // A new session may not have delivered what the last one sent: everything pending goes again, alarms first.
        _alarms.MakeAllDue(_records.Monotonic.NowMicros);
        long cursor = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var batch = await _outbox.ReadAsync(cursor, _options.DrainBatchSize, cancellationToken).ConfigureAwait(false);
            var removable = new List<long>();
            try
            {
                foreach (var message in batch)
                {
                    if (message.Class == Outbox.MessageClass.Alarm
                        && _alarms.Track(message, _records.Monotonic.NowMicros) == TrackResult.AlreadyAcknowledged)
                    {
                        removable.Add(message.Id);
                    }
                }

                await PublishDueAlarmsAsync(client, protocol, cancellationToken).ConfigureAwait(false);
                await PublishBatchAsync(client, protocol, batch, removable, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                if (removable.Count > 0)
                {
                    await _outbox.RemoveAsync(removable, CancellationToken.None).ConfigureAwait(false);
                }
            }

            if (batch.Count > 0)
            {
                cursor = batch[^1].Id;
            }

            if (batch.Count < _options.DrainBatchSize)
            {
                await WaitForWorkAsync(cursor, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Publishes events, trips, black-box chunks and (batched) telemetry with up to MaxInFlight awaiting PUBACK.</summary>
    private async Task PublishBatchAsync(
        IMqttClient client, MqttProtocolVersion protocol, IReadOnlyList<OutboxMessage> batch, List<long> removable, CancellationToken cancellationToken)
    {
        var inFlight = new Queue<InFlight>();
        var now = CurrentTime();
        // Telemetry records joined into an earlier batch message. Per-stream order holds (a batch is published where its
        // first record stands); order across streams is not promised.
        var joined = new bool[batch.Count];
        try
        {
            var i = 0;
            while (i < batch.Count)
            {
                var first = batch[i];
                if (first.Class == Outbox.MessageClass.Alarm || joined[i])
                {
                    i++;
                    continue;
                }

                if (!UplinkTopics.IsValidStream(first.Stream))
                {
                    Log.PoisonMessage(_logger, first.Id, $"stream '{first.Stream}' is not a valid topic level");
                    removable.Add(first.Id);
                    i++;
                    continue;
                }

                Envelope envelope;
                var ids = new List<long>(1) { first.Id };
                try
                {
                    envelope = _encoder.Stamp(first, Correct(first, now));
                    i++;
                    if (first.Class == Outbox.MessageClass.Telemetry && envelope.BodyCase == Envelope.BodyOneofCase.Telemetry)
                    {
                        for (var j = i; j < batch.Count && ids.Count < _options.TelemetryBatchSize; j++)
                        {
                            if (joined[j] || !CanJoin(first, batch[j]))
                            {
                                continue;
                            }

                            if (!TryJoinTelemetry(envelope, batch[j], now))
                            {
                                break;
                            }

                            joined[j] = true;
                            ids.Add(batch[j].Id);
                        }
                    }
                }
                catch (InvalidDataException e)
                {
                    Log.PoisonMessage(_logger, batch[i].Id, e.Message);
                    removable.Add(batch[i].Id);
                    i++;
                    continue;
                }

                var topic = _topics.ForStream(first.Stream);
                var publish = client.PublishAsync(BuildMessage(topic, _encoder.ToPayload(envelope), retain: false, protocol), cancellationToken);
                inFlight.Enqueue(new InFlight(publish, ids, topic));
                if (inFlight.Count >= _inFlightLimit)
                {
                    await CompleteOldestAsync(inFlight, removable).ConfigureAwait(false);
                }
            }

            while (inFlight.Count > 0)
            {
                await CompleteOldestAsync(inFlight, removable).ConfigureAwait(false);
            }
        }
        finally
        {
            // After a failure the remaining publications fault too; observe them so they are not reported as unobserved.
            foreach (var pending in inFlight)
            {
                _ = pending.Publish.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            }
        }
    }

    private async Task CompleteOldestAsync(Queue<InFlight> inFlight, List<long> removable)
    {
        var oldest = inFlight.Dequeue();
        var result = await oldest.Publish.ConfigureAwait(false);
        if (IsDelivered(result))
        {
            removable.AddRange(oldest.Ids);
            Interlocked.Increment(ref _published);
        }
        else
        {
            Log.PublishRejected(_logger, oldest.Ids[0], oldest.Topic, result.ReasonCode.ToString(), result.ReasonString);
        }
    }

    private async Task PublishDueAlarmsAsync(IMqttClient client, MqttProtocolVersion protocol, CancellationToken cancellationToken)
    {
        var due = _alarms.TakeDue(_records.Monotonic.NowMicros);
        if (due.Count == 0)
        {
            return;
        }

        var now = CurrentTime();
        var topic = _topics.ForStream(UplinkStreams.Alarms);
        foreach (var alarm in due)
        {
            var message = alarm.Message;
            Envelope envelope;
            try
            {
                envelope = _encoder.Stamp(message, Correct(message, now));
            }
            catch (InvalidDataException e)
            {
                Log.PoisonMessage(_logger, message.Id, e.Message);
                _alarms.Acknowledge(message.Id);
                await _outbox.RemoveAsync([message.Id], CancellationToken.None).ConfigureAwait(false);
                continue;
            }

            if (envelope.BodyCase == Envelope.BodyOneofCase.Event)
            {
                envelope.Alarm = new Schema.V1.Alarm { Event = envelope.Event };
            }
            else if (envelope.BodyCase != Envelope.BodyOneofCase.Alarm)
            {
                envelope.Alarm = new Schema.V1.Alarm();
            }

            envelope.Alarm.AlarmId = (ulong)message.Id;
            envelope.Alarm.Attempt = (uint)(alarm.Attempts + 1);
            var result = await client.PublishAsync(BuildMessage(topic, _encoder.ToPayload(envelope), retain: false, protocol), cancellationToken).ConfigureAwait(false);
            // Whatever the broker said, the next try waits for the backoff (a rejecting broker must not be hammered).
            _alarms.MarkPublished(message.Id, _records.Monotonic.NowMicros);
            if (IsDelivered(result))
            {
                Interlocked.Increment(ref _published);
                Log.AlarmPublished(_logger, message.Id, envelope.Alarm.Event?.Type ?? "?", alarm.Attempts);
            }
            else
            {
                Log.PublishRejected(_logger, message.Id, topic, result.ReasonCode.ToString(), result.ReasonString);
            }
        }
    }

    private async Task WaitForWorkAsync(long cursor, CancellationToken cancellationToken)
    {
        var wait = MaxIdleWait;
        if (_alarms.NextDueMicros is { } due)
        {
            var untilDue = TimeSpan.FromMicroseconds(Math.Max(0, due - _records.Monotonic.NowMicros));
            wait = untilDue < wait ? untilDue : wait;
        }

        if (wait <= TimeSpan.Zero)
        {
            return;
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var messages = _outbox.WaitForMessagesAsync(cursor, stop.Token).AsTask();
        var timer = Task.Delay(wait, _time, stop.Token);
        await Task.WhenAny(messages, timer).ConfigureAwait(false);
        await stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(messages, timer).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The other one was cancelled because one finished.
        }

        cancellationToken.ThrowIfCancellationRequested();
    }

    private async Task RunTestAlarmsAsync(CancellationToken cancellationToken)
    {
        if (!_testAlarms.Enabled)
        {
            return;
        }

        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (_testAlarms.IsDue())
                {
                    var id = await _outbox.EnqueueAsync(_records.ForEvent(_testAlarms.CreateEvent()), cancellationToken).ConfigureAwait(false);
                    Log.TestAlarmQueued(_logger, id);
                    _testAlarms.MarkSent();
                }

                var wait = _testAlarms.DueIn();
                // Re-check at least hourly: the wall clock may have become synchronised meanwhile.
                wait = wait > TimeSpan.FromHours(1) || wait < TimeSpan.Zero ? TimeSpan.FromHours(1) : wait;
                await Task.Delay(wait < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : wait, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                Log.TestAlarmFailed(_logger, e.Message);
                try
                {
                    await Task.Delay(TimeSpan.FromMinutes(1), _time, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private Task OnMessageReceivedAsync(MqttApplicationMessageReceivedEventArgs e)
    {
        var topic = e.ApplicationMessage.Topic;
        if (!topic.StartsWith(_topics.CommandPrefix, StringComparison.Ordinal))
        {
            return Task.CompletedTask;
        }

        var name = topic[_topics.CommandPrefix.Length..];
        if (name == CommandNames.Response)
        {
            return Task.CompletedTask;
        }

        // Handled on our own task: awaiting a publish (the response) inside this callback would stall MQTTnet's receive
        // loop, which is the one that has to deliver that publish's PUBACK.
        var length = e.ApplicationMessage.Payload.Length;
        var payload = length > _options.MaxCommandBytes ? null : System.Buffers.BuffersExtensions.ToArray(e.ApplicationMessage.Payload);
        if (!_commandQueue.Writer.TryWrite(new ReceivedCommand(name, payload, length)))
        {
            Log.CommandDropped(_logger, topic);
        }

        return Task.CompletedTask;
    }

    private async Task ProcessCommandsAsync(CancellationToken cancellationToken)
    {
        // set_config runs beside this loop: its trial lasts seconds (Gateway:RemoteConfigTrialSeconds), and an ack or a
        // ping sent meanwhile must not wait for it. The processor lets one set_config at a time through and answers a
        // second one "busy" at once.
        var configCommands = new List<Task>();
        try
        {
            await foreach (var command in _commandQueue.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                if (command.Name == CommandNames.SetConfig && command.Payload is not null)
                {
                    configCommands.RemoveAll(t => t.IsCompleted);
                    configCommands.Add(Task.Run(() => RespondAsync(command, cancellationToken), CancellationToken.None));
                    continue;
                }

                await RespondAsync(command, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down.
        }

        try
        {
            await Task.WhenAll(configCommands).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // A trial cut short by shutdown: the stored layer is still the last good one.
        }
    }

    private async Task RespondAsync(ReceivedCommand command, CancellationToken cancellationToken)
    {
        CommandResponse response;
        try
        {
            response = command.Payload is null
                ? _commands.RejectOversized(command.Name, command.Length)
                : await _commands.HandleAsync(command.Name, command.Payload, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            response = new CommandResponse { Name = command.Name, Outcome = CommandOutcome.Failed, Reason = "internal error: " + e.Message };
        }

        await PublishResponseAsync(response, cancellationToken).ConfigureAwait(false);
        _commands.ResponseSent(response);
    }

    private async Task PublishResponseAsync(CommandResponse response, CancellationToken cancellationToken)
    {
        var client = _client;
        if (client is null || !client.IsConnected)
        {
            Log.ResponseFailed(_logger, response.Name, response.RequestId, "not connected");
            return;
        }

        var envelope = CreateControl();
        envelope.CommandResponse = response;
        try
        {
            await PublishControlAsync(client, _topics.CommandResponse, envelope, retain: false, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.ResponseFailed(_logger, response.Name, response.RequestId, Describe(e));
        }
    }

    private async Task SayGoodbyeAsync(IMqttClient client)
    {
        if (!client.IsConnected)
        {
            return;
        }

        // A clean disconnect suppresses the will, so the offline state is published explicitly first.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        try
        {
            var protocol = client.Options.ProtocolVersion;
            await PublishControlAsync(client, _topics.Status, CreateBirth(online: false, protocol), retain: true, timeout.Token).ConfigureAwait(false);
            await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.NormalDisconnection).Build(), timeout.Token)
                .ConfigureAwait(false);
        }
        catch (Exception e)
        {
            Log.LoopError(_logger, "goodbye: " + Describe(e));
        }
    }

    private async Task PublishControlAsync(IMqttClient client, string topic, Envelope envelope, bool retain, CancellationToken cancellationToken)
    {
        var result = await client.PublishAsync(BuildMessage(topic, _encoder.ToPayload(envelope), retain, client.Options.ProtocolVersion), cancellationToken)
            .ConfigureAwait(false);
        if (!IsDelivered(result))
        {
            Log.PublishRejected(_logger, 0, topic, result.ReasonCode.ToString(), result.ReasonString);
        }
    }

    private Envelope CreateBirth(bool online, MqttProtocolVersion protocol)
    {
        var statistics = _outbox.GetStatistics();
        var envelope = CreateControl();
        envelope.Birth = new Birth
        {
            Online = online,
            SoftwareVersion = _identity.SoftwareVersion,
            SchemaVersion = UplinkPayloads.SchemaVersion,
            MqttProtocol = protocol == MqttProtocolVersion.V500 ? "5.0" : "3.1.1",
            OutboxDepth = (ulong)Math.Max(0, statistics.PendingMessages),
            PendingAlarms = (ulong)Math.Max(0, statistics.PendingAlarms),
        };
        return envelope;
    }

    private Envelope CreateControl()
    {
        var now = CurrentTime();
        return _encoder.Control(now.MonotonicMicros, _records.BootId, new PublishedWallTime(now.WallUnixMillis, now.Synchronized, false));
    }

    private MqttApplicationMessage BuildMessage(string topic, byte[] payload, bool retain, MqttProtocolVersion protocol)
    {
        var builder = new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithRetainFlag(retain);
        if (protocol == MqttProtocolVersion.V500)
        {
            // MQTT 5 only (MQTTnet refuses v5 features on a 3.1.1 session).
            builder.WithContentType(_encoder.Format == PayloadFormat.Json ? "application/json" : "application/x-protobuf; messageType=edgegw.v1.Envelope");
        }

        return builder.Build();
    }

    private MqttClientOptions BuildClientOptions(MqttProtocolVersion protocol, X509Certificate2Collection? clientCertificates)
    {
        var will = CreateBirth(online: false, protocol);
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(_options.Host, _options.EffectivePort)
            .WithClientId(ClientId)
            .WithProtocolVersion(protocol)
            .WithKeepAlivePeriod(_options.KeepAlive)
            .WithTimeout(_options.OperationTimeout)
            .WithCleanSession(false)
            .WithWillTopic(_topics.Status)
            .WithWillPayload(_encoder.ToPayload(will))
            .WithWillRetain(true)
            .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce);
        if (protocol == MqttProtocolVersion.V500)
        {
            builder.WithSessionExpiryInterval(SessionExpirySeconds);
        }

        if (!string.IsNullOrEmpty(_options.Username))
        {
            builder.WithCredentials(_options.Username, _options.Password ?? string.Empty);
        }

        if (_options.Tls.Enabled)
        {
            var trust = LoadCertificateAuthority();
            var targetHost = string.IsNullOrWhiteSpace(_options.Tls.TargetHost) ? _options.Host : _options.Tls.TargetHost;
            builder.WithTlsOptions(tls =>
            {
                tls.UseTls().WithTargetHost(targetHost).WithSslProtocols(SslProtocols.Tls12 | SslProtocols.Tls13);
                if (clientCertificates is not null)
                {
                    tls.WithClientCertificates(clientCertificates);
                }

                if (trust is not null)
                {
                    tls.WithCertificateValidationHandler(args => TlsTrust.Validate(args.Certificate, args.SslPolicyErrors, trust));
                }
            });
        }

        return builder.Build();
    }

    private X509Certificate2Collection? LoadCertificates()
    {
        var tls = _options.Tls;
        if (!tls.Enabled || string.IsNullOrWhiteSpace(tls.ClientCertFile))
        {
            return null;
        }

        return [TlsTrust.LoadClientCertificate(tls.ClientCertFile, tls.ClientKeyFile, tls.ClientCertPassword)];
    }

    private X509Certificate2Collection? LoadCertificateAuthority() =>
        string.IsNullOrWhiteSpace(_options.Tls.CaFile) ? null : TlsTrust.LoadCertificateAuthority(_options.Tls.CaFile);

    private string ClientId => string.IsNullOrWhiteSpace(_options.ClientId) ? "edgegw-" + _identity.BoxId : _options.ClientId;

    private bool TryJoinTelemetry(Envelope envelope, OutboxMessage next, in NowTime now)
    {
        try
        {
            return EnvelopeEncoder.TryAppendTelemetry(envelope, next, Correct(next, now));
        }
        catch (InvalidDataException e)
        {
            // The batch so far still goes; the unreadable record is dropped when the loop reaches it on its own.
            Log.PoisonMessage(_logger, next.Id, e.Message);
            return false;
        }
    }

    private static bool CanJoin(OutboxMessage first, OutboxMessage next) =>
        next.Class == Outbox.MessageClass.Telemetry && next.Stream == first.Stream && next.BootId == first.BootId
        && next.WallSynchronized == first.WallSynchronized;

    /// <summary>PUBACK success; "no matching subscribers" (MQTT 5 reason 0x10) still means the broker accepted it.</summary>
    private static bool IsDelivered(MqttClientPublishResult result) =>
        result.ReasonCode is MqttClientPublishReasonCode.Success or MqttClientPublishReasonCode.NoMatchingSubscribers;

    /// <summary>
    /// A broker that only speaks 3.1.1 answers a v5 CONNECT with "unacceptable protocol version" (MQTT 3.1.1 §3.2.2.3,
    /// return code 1) or just closes the connection, which MQTTnet reports as a protocol or communication failure.
    /// Socket, TLS, timeout and authorisation failures are not protocol refusals.
    /// </summary>
    private static bool LooksLikeProtocolRefusal(Exception e) => e switch
    {
        MqttConnectingFailedException failed when failed.InnerException is null =>
            failed.Message.Contains(nameof(MqttClientConnectResultCode.UnsupportedProtocolVersion), StringComparison.Ordinal)
            || failed.Message.Contains(nameof(MqttClientConnectResultCode.ProtocolError), StringComparison.Ordinal)
            || failed.Message.Contains(nameof(MqttClientConnectResultCode.MalformedPacket), StringComparison.Ordinal),
        MqttProtocolViolationException => true,
        MqttCommunicationException { InnerException: MqttProtocolViolationException or EndOfStreamException } => true,
        _ => false,
    };

    private static string Describe(Exception e) => e switch
    {
        _ when e.InnerException is { } inner && e.Message.Length < 80 => $"{e.Message} ({inner.Message})",
        _ => e.Message,
    };

    private NowTime CurrentTime()
    {
        var wall = _records.Wall;
        return new NowTime(_records.Monotonic.NowMicros, wall.UtcNow.ToUnixTimeMilliseconds(), wall.IsSynchronized);
    }

    private PublishedWallTime Correct(OutboxMessage message, in NowTime now) =>
        WallTimeCorrection.Correct(message.WallUnixMillis, message.WallSynchronized, message.MonotonicMicros, message.BootId, _records.BootId,
            now.MonotonicMicros, now.WallUnixMillis, now.Synchronized);

    private readonly record struct NowTime(long MonotonicMicros, long WallUnixMillis, bool Synchronized);

    private sealed record InFlight(Task<MqttClientPublishResult> Publish, List<long> Ids, string Topic);

    private sealed record ReceivedCommand(string Name, byte[]? Payload, long Length);
}
