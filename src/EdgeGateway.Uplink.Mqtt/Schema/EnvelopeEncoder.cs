using System.Text;
using EdgeGateway.Outbox;
using EdgeGateway.Uplink.Mqtt.Schema.V1;
using EdgeGateway.Uplink.Mqtt.Time;
using Google.Protobuf;

namespace EdgeGateway.Uplink.Mqtt.Schema;

/// <summary>
/// Builds what is published from what was stored: the stored body plus the envelope header (id, box, lift, schema
/// version, class, monotonic time, boot id, corrected wall time) in the configured <see cref="PayloadFormat"/>.
/// </summary>
public sealed class EnvelopeEncoder
{
    private static readonly JsonFormatter Json = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(false));

    private readonly string _boxId;
    private readonly string _liftId;
    private readonly PayloadFormat _format;
    // One reference swapped atomically: the drain loop and the command task both stamp envelopes.
    private BootIdCache? _bootId;

    public EnvelopeEncoder(string boxId, string liftId, PayloadFormat format)
    {
        _boxId = boxId;
        _liftId = liftId;
        _format = format;
    }

    public PayloadFormat Format => _format;

    /// <summary>The stored body of <paramref name="message"/> with its header filled in. Throws <see cref="InvalidDataException"/> for an unreadable body.</summary>
    public Envelope Stamp(OutboxMessage message, in PublishedWallTime wall)
    {
        Envelope envelope;
        try
        {
            envelope = Envelope.Parser.ParseFrom(message.Payload.Span);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InvalidDataException($"Outbox message {message.Id} (stream '{message.Stream}', {message.Payload.Length} bytes) is not an edgegw.v1 body: {e.Message}", e);
        }

        envelope.MessageId = (ulong)message.Id;
        envelope.BoxId = _boxId;
        envelope.LiftId = _liftId;
        envelope.SchemaVersion = UplinkPayloads.SchemaVersion;
        envelope.MessageClass = (V1.MessageClass)(int)message.Class;
        envelope.MonotonicMicros = message.MonotonicMicros;
        envelope.BootId = BootIdBytes(message.BootId);
        envelope.WallUnixMs = wall.UnixMillis;
        envelope.WallSynchronized = wall.Synchronized;
        envelope.WallCorrected = wall.Corrected;
        return envelope;
    }

    /// <summary>An envelope for a control message (birth, will, command response): not stored, message id 0.</summary>
    public Envelope Control(long monotonicMicros, Guid bootId, in PublishedWallTime wall) => new()
    {
        BoxId = _boxId,
        LiftId = _liftId,
        SchemaVersion = UplinkPayloads.SchemaVersion,
        MessageClass = V1.MessageClass.Control,
        MonotonicMicros = monotonicMicros,
        BootId = BootIdBytes(bootId),
        WallUnixMs = wall.UnixMillis,
        WallSynchronized = wall.Synchronized,
    };

    /// <summary>
    /// Appends a stored telemetry record to a batch envelope stamped from the batch's first record; the record keeps
    /// its own id, monotonic and wall time as offsets. False when it cannot join (not telemetry, id too far).
    /// </summary>
    public static bool TryAppendTelemetry(Envelope batch, OutboxMessage message, in PublishedWallTime wall)
    {
        var idOffset = (ulong)message.Id - batch.MessageId;
        if (batch.BodyCase != Envelope.BodyOneofCase.Telemetry || idOffset > uint.MaxValue)
        {
            return false;
        }

        Envelope stored;
        try
        {
            stored = Envelope.Parser.ParseFrom(message.Payload.Span);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InvalidDataException($"Outbox message {message.Id} (stream '{message.Stream}', {message.Payload.Length} bytes) is not an edgegw.v1 body: {e.Message}", e);
        }

        if (stored.BodyCase != Envelope.BodyOneofCase.Telemetry)
        {
            return false;
        }

        foreach (var record in stored.Telemetry.Records)
        {
            record.IdOffset = (uint)idOffset;
            record.MonotonicOffsetMicros = message.MonotonicMicros - batch.MonotonicMicros;
            record.WallOffsetMs = wall.UnixMillis - batch.WallUnixMs;
            batch.Telemetry.Records.Add(record);
        }

        batch.LastMessageId = (ulong)message.Id;
        return true;
    }

    public byte[] ToPayload(Envelope envelope) =>
        _format == PayloadFormat.Json ? Encoding.UTF8.GetBytes(Json.Format(envelope)) : envelope.ToByteArray();

    private ByteString BootIdBytes(Guid bootId)
    {
        var cache = _bootId;
        if (cache is null || cache.Id != bootId)
        {
            cache = new BootIdCache(bootId, ByteString.CopyFrom(bootId.ToByteArray()));
            _bootId = cache;
        }

        return cache.Bytes;
    }

    private sealed record BootIdCache(Guid Id, ByteString Bytes);
}
