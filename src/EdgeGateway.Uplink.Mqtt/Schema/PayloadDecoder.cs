using System.Globalization;
using System.Text;
using EdgeGateway.Uplink.Mqtt.Schema.V1;
using Google.Protobuf;

namespace EdgeGateway.Uplink.Mqtt.Schema;

/// <summary>What <c>edgegw decode</c> prints: a captured payload (envelope + body, or a command request) as readable text.</summary>
public static class PayloadDecoder
{
    private static readonly JsonFormatter Indented = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(false).WithIndentation());

    /// <summary>Turns hex text (spaces, newlines and an optional 0x allowed) into bytes; throws <see cref="InvalidDataException"/> naming the problem.</summary>
    public static byte[] FromHex(string text)
    {
        var digits = new StringBuilder(text.Length);
        foreach (var part in text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            digits.Append(part.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? part[2..] : part);
        }

        try
        {
            return Convert.FromHexString(digits.ToString());
        }
        catch (FormatException e)
        {
            throw new InvalidDataException($"The input is not hex: {e.Message}", e);
        }
    }

    /// <summary>An uplink payload (protobuf or JSON mode): a one-line summary, then the whole envelope as indented JSON.</summary>
    public static string DescribeEnvelope(ReadOnlySpan<byte> payload, bool jsonOnly)
    {
        var envelope = UplinkPayloads.Parse(payload);
        var json = Indented.Format(envelope);
        return jsonOnly ? json : Summary(envelope, payload.Length) + Environment.NewLine + json;
    }

    /// <summary>A command request as the platform publishes it on <c>cmd/{name}</c> (protobuf or JSON).</summary>
    public static string DescribeCommand(ReadOnlySpan<byte> payload)
    {
        CommandRequest request;
        try
        {
            request = payload.Length > 0 && payload[0] == (byte)'{'
                ? JsonParser.Default.Parse<CommandRequest>(Encoding.UTF8.GetString(payload))
                : CommandRequest.Parser.ParseFrom(payload);
        }
        catch (Exception e) when (e is InvalidProtocolBufferException or InvalidJsonException)
        {
            throw new InvalidDataException($"The payload ({payload.Length} bytes) is not an edgegw.v1 CommandRequest: {e.Message}", e);
        }

        return Indented.Format(request);
    }

    public static string Summary(Envelope envelope, int size)
    {
        var wall = DateTimeOffset.FromUnixTimeMilliseconds(envelope.WallUnixMs).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        var trust = envelope.WallCorrected ? "corrected" : envelope.WallSynchronized ? "synchronized" : "UNSYNCHRONIZED";
        var ids = envelope.LastMessageId > envelope.MessageId ? $"{envelope.MessageId}..{envelope.LastMessageId}" : envelope.MessageId.ToString(CultureInfo.InvariantCulture);
        var body = envelope.BodyCase switch
        {
            Envelope.BodyOneofCase.Event => $"event {envelope.Event.Type} {envelope.Event.Phase}",
            Envelope.BodyOneofCase.Alarm => $"alarm {envelope.Alarm.AlarmId} attempt {envelope.Alarm.Attempt}: {envelope.Alarm.Event?.Type}",
            Envelope.BodyOneofCase.Telemetry => $"telemetry, {envelope.Telemetry.Records.Count} record(s)",
            Envelope.BodyOneofCase.BlackBox => $"black box {envelope.BlackBox.CaptureId} chunk {envelope.BlackBox.ChunkIndex + 1}/{envelope.BlackBox.ChunkCount}",
            Envelope.BodyOneofCase.None => "no body",
            _ => envelope.BodyCase.ToString(),
        };
        return string.Create(CultureInfo.InvariantCulture,
            $"edgegw.v{envelope.SchemaVersion} {size} bytes: message {ids} class {envelope.MessageClass} box {envelope.BoxId} lift {envelope.LiftId} wall {wall} ({trust}); {body}");
    }
}
