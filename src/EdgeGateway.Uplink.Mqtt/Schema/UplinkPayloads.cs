using System.Text;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Signals;
using EdgeGateway.Outbox;
using EdgeGateway.Uplink.Mqtt.Schema.V1;
using Google.Protobuf;

namespace EdgeGateway.Uplink.Mqtt.Schema;

/// <summary>The outbox streams the uplink publishes; each is also the last topic level (<c>lifts/{lift}/{stream}</c>).</summary>
public static class UplinkStreams
{
    public const string Alarms = "alarms";
    public const string Events = "events";
    public const string Telemetry = "telemetry";
    public const string Trips = "trips";
    public const string BlackBox = "blackbox";

    public static bool IsKnown(string stream) => stream is Alarms or Events or Telemetry or Trips or BlackBox;
}

/// <summary>The periodic status record (telemetry), as the host assembles it once a minute by default.</summary>
public readonly record struct StatusRecord(
    int Floor,
    TravelDirection Dir,
    DoorState Door,
    LiftMode Mode,
    bool Run,
    bool Link,
    ulong Runs,
    ulong DoorCycles,
    ulong RunningSeconds,
    ulong DistanceMeters,
    ulong OutboxDepth,
    ulong ModbusRequests,
    ulong ModbusTimeouts,
    ulong ModbusCrcErrors,
    ulong ModbusExceptions);

/// <summary>One trip (stopped → moving → stopped) with its ride quality (m/s², m/s³).</summary>
public readonly record struct TripRecord(
    long StartMonotonicMicros,
    int DurationMillis,
    int FromFloor,
    int ToFloor,
    TravelDirection Direction,
    int MaxSpeedMmS,
    bool Levelled,
    float MaxAcceleration,
    float MaxDeceleration,
    float MaxJerk,
    float VibrationPeakToPeakMax,
    float VibrationA95);

/// <summary>
/// Encoders for what goes INTO the outbox. A stored payload is a protobuf <see cref="Envelope"/> holding only its body:
/// the uplink adds the id, identity and (corrected) time at publish, so nothing in the store depends on them.
/// </summary>
public static class UplinkPayloads
{
    public const uint SchemaVersion = 1;

    /// <summary>Grade-1 events are alarms (class Alarm, stream "alarms", body Alarm); the rest are events.</summary>
    public static Outbox.MessageClass ClassOf(in LiftEvent liftEvent) =>
        liftEvent.Definition.IsAlarm ? Outbox.MessageClass.Alarm : Outbox.MessageClass.Event;

    public static string StreamOf(in LiftEvent liftEvent) =>
        liftEvent.Definition.IsAlarm ? UplinkStreams.Alarms : UplinkStreams.Events;

    /// <summary>The stored body of an event: an <see cref="Alarm"/> body for grade-1 events, an <see cref="Event"/> body otherwise.</summary>
    public static byte[] EncodeEvent(in LiftEvent liftEvent)
    {
        var body = ToEvent(liftEvent);
        var envelope = liftEvent.Definition.IsAlarm ? new Envelope { Alarm = new V1.Alarm { Event = body } } : new Envelope { Event = body };
        return envelope.ToByteArray();
    }

    public static byte[] EncodeStatus(in StatusRecord status) =>
        new Envelope { Telemetry = new TelemetryBatch { Records = { new TelemetryRecord { Status = ToStatus(status) } } } }.ToByteArray();

    public static byte[] EncodeTrip(in TripRecord trip) => new Envelope
    {
        Trip = new Trip
        {
            StartMonotonicMicros = trip.StartMonotonicMicros,
            DurationMs = (uint)Math.Max(0, trip.DurationMillis),
            FromFloor = trip.FromFloor,
            ToFloor = trip.ToFloor,
            Direction = ToDirection(trip.Direction),
            MaxSpeedMmS = (uint)Math.Abs(trip.MaxSpeedMmS),
            Levelled = trip.Levelled,
            RideQuality = new RideQuality
            {
                MaxAcceleration = trip.MaxAcceleration,
                MaxDeceleration = trip.MaxDeceleration,
                MaxJerk = trip.MaxJerk,
                VibrationPeakToPeakMax = trip.VibrationPeakToPeakMax,
                VibrationA95 = trip.VibrationA95,
            },
        },
    }.ToByteArray();

    public static byte[] EncodeBlackBoxChunk(string captureId, int index, int count, ReadOnlySpan<byte> data, long totalBytes) => new Envelope
    {
        BlackBox = new BlackBoxChunk
        {
            CaptureId = captureId,
            ChunkIndex = (uint)index,
            ChunkCount = (uint)count,
            Data = ByteString.CopyFrom(data),
            TotalBytes = (ulong)totalBytes,
        },
    }.ToByteArray();

    /// <summary>
    /// Reads a captured payload (an envelope as published, in protobuf or JSON mode, or a stored body) and writes it as
    /// readable JSON. Throws <see cref="InvalidDataException"/> naming the problem when it is neither.
    /// </summary>
    public static string DecodeToJson(ReadOnlySpan<byte> payload, bool indented = true)
    {
        var envelope = Parse(payload);
        var settings = JsonFormatter.Settings.Default.WithFormatDefaultValues(false).WithFormatEnumsAsIntegers(false);
        if (indented)
        {
            settings = settings.WithIndentation();
        }

        return new JsonFormatter(settings).Format(envelope);
    }

    /// <summary>Parses an envelope from protobuf, or from its JSON mapping when the payload starts with '{'.</summary>
    public static Envelope Parse(ReadOnlySpan<byte> payload)
    {
        var trimmed = TrimStart(payload);
        if (trimmed.Length > 0 && trimmed[0] == (byte)'{')
        {
            try
            {
                return JsonParser.Default.Parse<Envelope>(Encoding.UTF8.GetString(trimmed));
            }
            catch (InvalidProtocolBufferException e)
            {
                throw new InvalidDataException($"The payload looks like JSON but is not an edgegw.v1 Envelope: {e.Message}", e);
            }
            catch (InvalidJsonException e)
            {
                throw new InvalidDataException($"The payload starts with '{{' but is not valid JSON: {e.Message}", e);
            }
        }

        try
        {
            return Envelope.Parser.ParseFrom(payload);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InvalidDataException($"The payload ({payload.Length} bytes) is not an edgegw.v1 Envelope in protobuf: {e.Message}", e);
        }
    }

    internal static Event ToEvent(in LiftEvent liftEvent)
    {
        var definition = liftEvent.Definition;
        var body = new Event
        {
            Type = definition.Name,
            Code = (uint)definition.Code,
            Grade = (Grade)(int)definition.Grade,
            Phase = liftEvent.Phase switch
            {
                EventPhase.Raised => Phase.Raised,
                EventPhase.Cleared => Phase.Cleared,
                _ => Phase.Instant,
            },
        };
        if (liftEvent.Floor is { } floor)
        {
            body.Floor = floor;
        }

        var d = liftEvent.Detail;
        if (!d.IsEmpty)
        {
            var detail = new V1.EventDetail();
            if (d.BetweenFloors is { } between)
            {
                detail.BetweenFloors = between;
            }

            if (d.From is { } from)
            {
                detail.From = ToMode(from);
            }

            if (d.To is { } to)
            {
                detail.To = ToMode(to);
            }

            if (d.Code is { } code)
            {
                detail.Code = code;
            }

            if (d.Sensor is { } sensor)
            {
                detail.Sensor = sensor;
            }

            if (d.Reason is { } reason)
            {
                detail.Reason = reason;
            }

            body.Detail = detail;
        }

        return body;
    }

    internal static Status ToStatus(in StatusRecord s) => new()
    {
        Floor = s.Floor,
        Dir = ToDirection(s.Dir),
        Door = s.Door switch
        {
            DoorState.Opening => Door.Opening,
            DoorState.Open => Door.Open,
            DoorState.Closing => Door.Closing,
            _ => Door.Closed,
        },
        Mode = ToMode(s.Mode),
        Run = s.Run,
        Link = s.Link,
        Counters = new Counters { Runs = s.Runs, DoorCycles = s.DoorCycles, RunningSeconds = s.RunningSeconds, DistanceM = s.DistanceMeters },
        OutboxDepth = s.OutboxDepth,
        Modbus = new ModbusHealth
        {
            Requests = s.ModbusRequests,
            Timeouts = s.ModbusTimeouts,
            CrcErrors = s.ModbusCrcErrors,
            Exceptions = s.ModbusExceptions,
        },
    };

    internal static Mode ToMode(LiftMode mode) => mode switch
    {
        LiftMode.Normal => Mode.Normal,
        LiftMode.Inspection => Mode.Inspection,
        LiftMode.Fire => Mode.Fire,
        LiftMode.EmergencyPower => Mode.EmergencyPower,
        LiftMode.OutOfService => Mode.OutOfService,
        LiftMode.Earthquake => Mode.Earthquake,
        _ => Mode.Unknown,
    };

    internal static Direction ToDirection(TravelDirection dir) => dir switch
    {
        TravelDirection.Up => Direction.Up,
        TravelDirection.Down => Direction.Down,
        _ => Direction.None,
    };

    private static ReadOnlySpan<byte> TrimStart(ReadOnlySpan<byte> payload)
    {
        var i = 0;
        while (i < payload.Length && payload[i] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or 0xEF or 0xBB or 0xBF)
        {
            i++;
        }

        return payload[i..];
    }
}
