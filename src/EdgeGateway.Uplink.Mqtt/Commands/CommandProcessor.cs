using System.Text;
using EdgeGateway.Core.Time;
using EdgeGateway.Outbox;
using EdgeGateway.Uplink.Mqtt.Alarms;
using EdgeGateway.Uplink.Mqtt.Schema;
using EdgeGateway.Uplink.Mqtt.Schema.V1;
using Google.Protobuf;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Uplink.Mqtt.Commands;

/// <summary>
/// Validates and executes one remote command and says what happened. A command that is oversized, malformed,
/// unknown, unauthorised or invalid is rejected with a reason before anything is changed. The uplink feeds commands
/// through a queue one at a time, except set_config, which it runs beside the queue so that its trial does not hold up
/// an ack; one set_config at a time gets through, and another arriving meanwhile is rejected as busy.
/// </summary>
public sealed class CommandProcessor
{
    private const int MaxRequestIdLength = 64;
    private const int MaxCaptureIdLength = 128;
    private const int RememberedRequestIds = 1024;

    private static readonly JsonParser StrictJson = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(false));

    private readonly MqttUplinkOptions _options;
    private readonly RemoteCommandHandlers _handlers;
    private readonly AlarmTracker _alarms;
    private readonly IOutbox _outbox;
    private readonly UplinkRecordFactory _records;
    private readonly MonotonicClock _monotonic;
    private readonly IWallClock _wall;
    private readonly ILogger _logger;
    private readonly byte[]? _hmacKey;
    private readonly HashSet<string> _usedSignedIds = [];
    private readonly Queue<string> _usedSignedOrder = new();
    private string? _configInProgress;

    public CommandProcessor(
        MqttUplinkOptions options,
        RemoteCommandHandlers handlers,
        AlarmTracker alarms,
        IOutbox outbox,
        UplinkRecordFactory records,
        MonotonicClock monotonic,
        IWallClock wall,
        ILogger logger)
    {
        _options = options;
        _handlers = handlers;
        _alarms = alarms;
        _outbox = outbox;
        _records = records;
        _monotonic = monotonic;
        _wall = wall;
        _logger = logger;
        _hmacKey = string.IsNullOrEmpty(options.CommandHmacKey) ? null : Convert.FromBase64String(options.CommandHmacKey);
    }

    /// <summary>Handles the payload that arrived on <c>lifts/{lift}/cmd/{topicName}</c>.</summary>
    public async Task<CommandResponse> HandleAsync(string topicName, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var response = await HandleCoreAsync(topicName, payload, cancellationToken).ConfigureAwait(false);
        Log.CommandHandled(_logger, response.Name, response.RequestId, response.Outcome.ToString(), response.Reason);
        return response;
    }

    /// <summary>Tells the handlers that <paramref name="response"/> has left (or could not): see <see cref="IRemoteConfigTarget.AcceptedResponseSent"/>.</summary>
    public void ResponseSent(CommandResponse response)
    {
        if (response.Name == CommandNames.SetConfig && response.Outcome == CommandOutcome.Accepted)
        {
            _handlers.Config?.AcceptedResponseSent();
        }
    }

    /// <summary>The answer to a command too large to read (the uplink does not even copy it).</summary>
    public CommandResponse RejectOversized(string topicName, long length)
    {
        var response = Reject(null, topicName, $"oversized: {length} bytes is more than the {_options.MaxCommandBytes} allowed");
        Log.CommandHandled(_logger, response.Name, response.RequestId, response.Outcome.ToString(), response.Reason);
        return response;
    }

    private async Task<CommandResponse> HandleCoreAsync(string topicName, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        if (payload.Length > _options.MaxCommandBytes)
        {
            return Reject(null, topicName, $"oversized: {payload.Length} bytes is more than the {_options.MaxCommandBytes} allowed");
        }

        if (!CommandNames.IsKnown(topicName))
        {
            return Reject(null, topicName, $"unknown command '{Printable(topicName)}' (known: ping, ack, upload_black_box, get_config, set_config, technician_check_in)");
        }

        if (!TryParse(payload.Span, out var request, out var parseError))
        {
            return Reject(null, topicName, "malformed: " + parseError);
        }

        if (request.RequestId.Length is 0 or > MaxRequestIdLength || !request.RequestId.All(c => c is > ' ' and < (char)127))
        {
            return Reject(null, topicName, $"malformed: request_id must be 1..{MaxRequestIdLength} printable ASCII characters");
        }

        if (request.Name.Length > 0 && request.Name != topicName)
        {
            return Reject(request, topicName, $"malformed: name '{Printable(request.Name)}' does not match the topic's command '{topicName}'");
        }

        var expectedArgs = ArgsFor(topicName);
        if (request.ArgsCase != CommandRequest.ArgsOneofCase.None && request.ArgsCase != expectedArgs)
        {
            return Reject(request, topicName, $"malformed: arguments '{request.ArgsCase}' do not belong to '{topicName}'");
        }

        return topicName switch
        {
            CommandNames.Ping => Ping(request),
            CommandNames.Ack => await AckAsync(request, cancellationToken).ConfigureAwait(false),
            CommandNames.UploadBlackBox => await UploadBlackBoxAsync(request, cancellationToken).ConfigureAwait(false),
            CommandNames.GetConfig => GetConfig(request),
            CommandNames.SetConfig => await SetConfigAsync(request, cancellationToken).ConfigureAwait(false),
            _ => CheckIn(request),
        };
    }

    private CommandResponse Ping(CommandRequest request)
    {
        var response = Accept(request, CommandNames.Ping);
        response.UptimeSeconds = (ulong)Math.Max(0, _monotonic.NowMicros / 1_000_000);
        response.OutboxDepth = (ulong)Math.Max(0, _outbox.GetStatistics().PendingMessages);
        return response;
    }

    private async Task<CommandResponse> AckAsync(CommandRequest request, CancellationToken cancellationToken)
    {
        if (request.ArgsCase != CommandRequest.ArgsOneofCase.Ack || request.Ack.AlarmId == 0)
        {
            return Reject(request, CommandNames.Ack, "malformed: ack needs ack.alarm_id (the alarm's message id)");
        }

        var id = request.Ack.AlarmId;
        if (id > long.MaxValue || (long)id > _outbox.GetStatistics().LastId)
        {
            return Reject(request, CommandNames.Ack, $"no alarm with id {id}: the box has not issued that id");
        }

        var result = _alarms.Acknowledge((long)id);
        if (result == AckResult.Acknowledged)
        {
            await _outbox.RemoveAsync([(long)id], cancellationToken).ConfigureAwait(false);
            Log.AlarmAcknowledged(_logger, (long)id);
            return Accept(request, CommandNames.Ack);
        }

        var accepted = Accept(request, CommandNames.Ack);
        accepted.Reason = $"alarm {id} is not pending in this session (already acknowledged, or not read yet: it is removed when read)";
        return accepted;
    }

    private async Task<CommandResponse> UploadBlackBoxAsync(CommandRequest request, CancellationToken cancellationToken)
    {
        if (request.ArgsCase != CommandRequest.ArgsOneofCase.UploadBlackBox || request.UploadBlackBox.CaptureId.Length == 0)
        {
            return Reject(request, CommandNames.UploadBlackBox, "malformed: upload_black_box needs upload_black_box.capture_id");
        }

        var captureId = request.UploadBlackBox.CaptureId;
        if (captureId.Length > MaxCaptureIdLength || !captureId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':'))
        {
            return Reject(request, CommandNames.UploadBlackBox, $"malformed: capture_id must be 1..{MaxCaptureIdLength} characters of A-Z a-z 0-9 - _ . :");
        }

        if (_handlers.BlackBox is not { } store)
        {
            return Reject(request, CommandNames.UploadBlackBox, "not supported on this box: no black-box store");
        }

        var capture = await store.ReadCaptureAsync(captureId, cancellationToken).ConfigureAwait(false);
        if (capture is not { } bytes)
        {
            return Reject(request, CommandNames.UploadBlackBox, $"no capture with id '{captureId}'");
        }

        var chunkBytes = _options.BlackBoxChunkBytes;
        var count = Math.Max(1, (bytes.Length + chunkBytes - 1) / chunkBytes);
        for (var i = 0; i < count; i++)
        {
            var start = i * chunkBytes;
            var slice = bytes.Span.Slice(start, Math.Min(chunkBytes, bytes.Length - start));
            var payload = UplinkPayloads.EncodeBlackBoxChunk(captureId, i, count, slice, bytes.Length);
            await _outbox.EnqueueAsync(_records.ForBlackBoxChunk(payload), cancellationToken).ConfigureAwait(false);
        }

        var response = Accept(request, CommandNames.UploadBlackBox);
        response.ChunkCount = (uint)count;
        return response;
    }

    private CommandResponse GetConfig(CommandRequest request)
    {
        if (_handlers.Config is not { } target)
        {
            return Reject(request, CommandNames.GetConfig, "not supported on this box: no configuration target");
        }

        var response = Accept(request, CommandNames.GetConfig);
        response.ConfigJson = target.GetConfigJson();
        return response;
    }

    private async Task<CommandResponse> SetConfigAsync(CommandRequest request, CancellationToken cancellationToken)
    {
        const string Name = CommandNames.SetConfig;
        if (request.ArgsCase != CommandRequest.ArgsOneofCase.SetConfig || string.IsNullOrWhiteSpace(request.SetConfig.ConfigJson))
        {
            return Reject(request, Name, "malformed: set_config needs set_config.config_json");
        }

        if (_hmacKey is not null)
        {
            if (request.Signature.IsEmpty)
            {
                return Reject(request, Name, "unauthorised: set_config must be signed (HMAC-SHA256) on this box");
            }

            if (!CommandSignature.Verify(_hmacKey, request, Name))
            {
                return Reject(request, Name, "unauthorised: signature does not match");
            }

            if (_wall.IsSynchronized)
            {
                var skew = TimeSpan.FromMilliseconds(Math.Abs(_wall.UtcNow.ToUnixTimeMilliseconds() - request.IssuedUnixMs));
                if (skew > _options.CommandMaxClockSkew)
                {
                    return Reject(request, Name, $"unauthorised: issued_unix_ms is {skew.TotalSeconds:F0} s from the box's clock (more than {_options.CommandMaxClockSkew.TotalSeconds:F0} s: stale or replayed)");
                }
            }
        }

        // Checked after the signature and before the replay memory: a signed command answered "busy" may be sent again.
        if (Interlocked.CompareExchange(ref _configInProgress, request.RequestId, null) is { } running)
        {
            return Reject(request, Name, $"busy: set_config '{running}' is still being applied or on trial; send this one again after its response");
        }

        try
        {
            if (_hmacKey is not null && !RememberSigned(request.RequestId))
            {
                return Reject(request, Name, $"unauthorised: request_id '{request.RequestId}' was already used (replay)");
            }

            return await ApplyConfigAsync(request, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Volatile.Write(ref _configInProgress, null);
        }
    }

    private async Task<CommandResponse> ApplyConfigAsync(CommandRequest request, CancellationToken cancellationToken)
    {
        const string Name = CommandNames.SetConfig;
        if (_handlers.Config is not { } target)
        {
            return Reject(request, Name, "not supported on this box: no configuration target");
        }

        var json = request.SetConfig.ConfigJson;
        var errors = target.Validate(json);
        if (errors.Count > 0)
        {
            return Reject(request, Name, "invalid configuration: " + string.Join("; ", errors));
        }

        var previous = target.ExportForRollback();
        try
        {
            await target.ApplyAsync(json, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception applyError) when (applyError is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.ConfigApplyFailed(_logger, request.RequestId, applyError.Message);
            string reason;
            try
            {
                await target.ApplyAsync(previous, CancellationToken.None).ConfigureAwait(false);
                reason = $"the pipeline failed to start with the new configuration ({applyError.Message}); the previous configuration was restored";
            }
            catch (Exception restoreError)
            {
                Log.ConfigRollbackFailed(_logger, request.RequestId, restoreError.Message);
                reason = $"the pipeline failed to start with the new configuration ({applyError.Message}) and restoring the previous one failed too ({restoreError.Message})";
            }

            var failed = Response(request, Name, CommandOutcome.Failed, reason);
            failed.ConfigJson = target.GetConfigJson();
            return failed;
        }

        var response = Accept(request, Name);
        response.ConfigJson = target.GetConfigJson();
        return response;
    }

    private CommandResponse CheckIn(CommandRequest request)
    {
        const string Name = CommandNames.TechnicianCheckIn;
        if (request.ArgsCase != CommandRequest.ArgsOneofCase.TechnicianCheckIn
            || request.TechnicianCheckIn.TechnicianId.Length is 0 or > 64
            || request.TechnicianCheckIn.Note.Length > 1024)
        {
            return Reject(request, Name, "malformed: technician_check_in needs technician_check_in.technician_id (1..64 characters) and a note of at most 1024");
        }

        if (_handlers.CheckIn is not { } hook)
        {
            return Reject(request, Name, "not supported on this box: no check-in handler");
        }

        var note = request.TechnicianCheckIn.Note;
        hook.CheckIn(request.TechnicianCheckIn.TechnicianId, note.Length == 0 ? null : note, _monotonic.NowMicros);
        return Accept(request, Name);
    }

    private bool RememberSigned(string requestId)
    {
        if (!_usedSignedIds.Add(requestId))
        {
            return false;
        }

        _usedSignedOrder.Enqueue(requestId);
        while (_usedSignedOrder.Count > RememberedRequestIds)
        {
            _usedSignedIds.Remove(_usedSignedOrder.Dequeue());
        }

        return true;
    }

    private static bool TryParse(ReadOnlySpan<byte> payload, out CommandRequest request, out string error)
    {
        request = null!;
        if (payload.IsEmpty)
        {
            error = "empty payload";
            return false;
        }

        var i = 0;
        while (i < payload.Length && payload[i] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
        {
            i++;
        }

        try
        {
            if (i < payload.Length && payload[i] == (byte)'{')
            {
                request = StrictJson.Parse<CommandRequest>(Encoding.UTF8.GetString(payload));
            }
            else
            {
                request = CommandRequest.Parser.ParseFrom(payload);
            }

            error = string.Empty;
            return true;
        }
        catch (Exception e) when (e is InvalidProtocolBufferException or InvalidJsonException or FormatException or ArgumentException)
        {
            error = e.Message;
            return false;
        }
    }

    private static CommandRequest.ArgsOneofCase ArgsFor(string name) => name switch
    {
        CommandNames.Ack => CommandRequest.ArgsOneofCase.Ack,
        CommandNames.UploadBlackBox => CommandRequest.ArgsOneofCase.UploadBlackBox,
        CommandNames.SetConfig => CommandRequest.ArgsOneofCase.SetConfig,
        CommandNames.TechnicianCheckIn => CommandRequest.ArgsOneofCase.TechnicianCheckIn,
        _ => CommandRequest.ArgsOneofCase.None,
    };

    private static string Printable(string text)
    {
        var clipped = text.Length > 64 ? text[..64] + "…" : text;
        return new string(clipped.Select(c => char.IsControl(c) ? '?' : c).ToArray());
    }

    private static CommandResponse Accept(CommandRequest request, string name) => Response(request, name, CommandOutcome.Accepted, string.Empty);

    private static CommandResponse Reject(CommandRequest? request, string name, string reason) =>
        Response(request, CommandNames.IsKnown(name) ? name : Printable(name), CommandOutcome.Rejected, reason);

    private static CommandResponse Response(CommandRequest? request, string name, CommandOutcome outcome, string reason) => new()
    {
        RequestId = request?.RequestId ?? string.Empty,
        Name = name,
        Outcome = outcome,
        Reason = reason,
    };
}
