using EdgeGateway.Core.Events;
using EdgeGateway.Core.Signals;
using EdgeGateway.Outbox;
using EdgeGateway.Uplink.Mqtt.Schema;
using EdgeGateway.Uplink.Mqtt.Schema.V1;
using EdgeGateway.Uplink.Mqtt.Time;
using FsCheck;
using FsCheck.Fluent;
using Google.Protobuf;
using EventDetail = EdgeGateway.Core.Events.EventDetail;
using MessageClass = EdgeGateway.Outbox.MessageClass;

namespace EdgeGateway.Uplink.Mqtt.Tests.Schema;

public sealed class UplinkPayloadsTests
{
    [Fact]
    public void Event_body_is_the_documented_literal_bytes()
    {
        var bytes = UplinkPayloads.EncodeEvent(new LiftEvent(0, EventType.StoppedOutsideDoorZone, EventPhase.Raised, 7, EventDetail.None));
        // Envelope.event (field 16, LEN: tag 0x82 0x01) { type "stopped_outside_door_zone", code 4, grade 2, floor sint32 7 = zigzag 14 }.
        var expected = Convert.FromHexString("82012" + "1" + "0A19" + Convert.ToHexString("stopped_outside_door_zone"u8) + "1004" + "1802" + "280E");
        Assert.Equal(expected, bytes);
    }

    [Fact]
    public void Alarm_body_is_the_documented_literal_bytes()
    {
        var bytes = UplinkPayloads.EncodeEvent(new LiftEvent(0, EventType.Entrapment, EventPhase.Raised, -1, new EventDetail(BetweenFloors: true)));
        // Envelope.alarm (field 17: 0x8A 0x01) { event { type "entrapment", code 11, grade 1, floor -1 = zigzag 1, detail { between_floors true } } }.
        var expected = Convert.FromHexString("8A0118" + "0A16" + "0A0A" + Convert.ToHexString("entrapment"u8) + "100B" + "1801" + "2801" + "32020801");
        Assert.Equal(expected, bytes);
        Assert.Equal(MessageClass.Alarm, UplinkPayloads.ClassOf(new LiftEvent(0, EventType.Entrapment, EventPhase.Raised, null, EventDetail.None)));
        Assert.Equal(UplinkStreams.Alarms, UplinkPayloads.StreamOf(new LiftEvent(0, EventType.Entrapment, EventPhase.Raised, null, EventDetail.None)));
        Assert.Equal(UplinkStreams.Events, UplinkPayloads.StreamOf(new LiftEvent(0, EventType.PowerLoss, EventPhase.Raised, null, EventDetail.None)));
    }

    [Fact]
    public void Every_catalogue_event_round_trips_with_its_name_code_grade_and_detail()
    {
        foreach (var definition in EventCatalogue.All)
        {
            var detail = new EventDetail(BetweenFloors: false, From: LiftMode.Normal, To: LiftMode.Fire, Code: -3, Sensor: "gpio:zone", Reason: "x");
            var envelope = Envelope.Parser.ParseFrom(UplinkPayloads.EncodeEvent(new LiftEvent(5, definition.Type, EventPhase.Cleared, 12, detail)));
            var body = definition.IsAlarm ? envelope.Alarm.Event : envelope.Event;
            Assert.Equal(definition.Name, body.Type);
            Assert.Equal((uint)definition.Code, body.Code);
            Assert.Equal((int)definition.Grade, (int)body.Grade);
            Assert.Equal(Phase.Cleared, body.Phase);
            Assert.Equal(12, body.Floor);
            Assert.False(body.Detail.BetweenFloors);
            Assert.True(body.Detail.HasBetweenFloors);
            Assert.Equal(Mode.Normal, body.Detail.From);
            Assert.Equal(Mode.Fire, body.Detail.To);
            Assert.Equal(-3, body.Detail.Code);
            Assert.Equal("gpio:zone", body.Detail.Sensor);
        }
    }

    [Fact]
    public void A_missing_floor_is_absent_not_zero()
    {
        var envelope = Envelope.Parser.ParseFrom(UplinkPayloads.EncodeEvent(new LiftEvent(0, EventType.LinkLost, EventPhase.Raised, null, EventDetail.None)));
        Assert.False(envelope.Event.HasFloor);
        Assert.Null(envelope.Event.Detail);
    }

    [Fact]
    public void Status_round_trip_property()
    {
        Prop.ForAll<int, ulong, (ulong Depth, bool Run)>((floor, runs, rest) =>
        {
            var (depth, run) = rest;
            var status = new StatusRecord(floor, TravelDirection.Down, DoorState.Closing, LiftMode.Inspection, run, true, runs, 2, 3, 4, depth, 5, 6, 7, 8);
            var s = Envelope.Parser.ParseFrom(UplinkPayloads.EncodeStatus(status)).Telemetry.Records.Single().Status;
            return s.Floor == floor && s.Counters.Runs == runs && s.OutboxDepth == depth && s.Run == run && s.Dir == Direction.Down
                && s.Door == Door.Closing && s.Mode == Mode.Inspection && s.Modbus.Exceptions == 8;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Stamped_envelope_merges_header_and_stored_body_and_JSON_mode_says_the_same()
    {
        var boot = Guid.NewGuid();
        var stored = UplinkPayloads.EncodeTrip(new TripRecord(1_000_000, 8_000, 1, 9, TravelDirection.Up, 1_740, true, 0.9f, 0.8f, 1.2f, 0.2f, 0.1f));
        var message = new OutboxMessage(42, MessageClass.Event, UplinkStreams.Trips, 9_000_000, boot, 1_800_000_000_000, true, stored);
        var protobuf = new EnvelopeEncoder("box-1", "lift-1", PayloadFormat.Protobuf);
        var json = new EnvelopeEncoder("box-1", "lift-1", PayloadFormat.Json);
        var wall = new PublishedWallTime(1_800_000_000_000, true, false);

        var fromProtobuf = UplinkPayloads.Parse(protobuf.ToPayload(protobuf.Stamp(message, wall)));
        var fromJson = UplinkPayloads.Parse(json.ToPayload(json.Stamp(message, wall)));
        Assert.Equal(fromProtobuf, fromJson);
        Assert.Equal(42ul, fromProtobuf.MessageId);
        Assert.Equal("box-1", fromProtobuf.BoxId);
        Assert.Equal(boot, new Guid(fromProtobuf.BootId.Span));
        Assert.Equal(9, fromProtobuf.Trip.ToFloor);
        Assert.Equal(Direction.Up, fromProtobuf.Trip.Direction);
        Assert.Equal(0.1f, fromProtobuf.Trip.RideQuality.VibrationA95);
    }

    [Fact]
    public void Telemetry_records_join_a_batch_with_offsets_from_the_first()
    {
        var boot = Guid.NewGuid();
        OutboxMessage Status(long id, long mono, long wall, int floor) => new(id, MessageClass.Telemetry, UplinkStreams.Telemetry, mono, boot, wall, true,
            UplinkPayloads.EncodeStatus(new StatusRecord(floor, default, default, default, false, true, 0, 0, 0, 0, 0, 0, 0, 0, 0)));
        var encoder = new EnvelopeEncoder("b", "l", PayloadFormat.Protobuf);
        var first = Status(10, 60_000_000, 1_800_000_060_000, 1);
        var batch = encoder.Stamp(first, new PublishedWallTime(first.WallUnixMillis, true, false));
        var second = Status(13, 120_000_000, 1_800_000_120_001, 2);
        Assert.True(EnvelopeEncoder.TryAppendTelemetry(batch, second, new PublishedWallTime(second.WallUnixMillis, true, false)));

        Assert.Equal(13ul, batch.LastMessageId);
        var records = batch.Telemetry.Records;
        Assert.Equal(2, records.Count);
        Assert.Equal(3u, records[1].IdOffset);
        Assert.Equal(60_000_000, records[1].MonotonicOffsetMicros);
        Assert.Equal(60_001, records[1].WallOffsetMs);
        Assert.Equal(2, records[1].Status.Floor);
    }

    [Fact]
    public void An_unreadable_stored_body_is_reported_with_its_id()
    {
        var message = new OutboxMessage(77, MessageClass.Event, "events", 0, Guid.Empty, 0, true, new byte[] { 0x82, 0x01, 0x7F });
        var e = Assert.Throws<InvalidDataException>(() => new EnvelopeEncoder("b", "l", PayloadFormat.Protobuf).Stamp(message, default));
        Assert.Contains("Outbox message 77", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_prints_readable_json_and_rejects_garbage_with_a_reason()
    {
        var text = UplinkPayloads.DecodeToJson(UplinkPayloads.EncodeEvent(new LiftEvent(0, EventType.Entrapment, EventPhase.Raised, 7, EventDetail.None)));
        Assert.Contains("\"type\": \"entrapment\"", text, StringComparison.Ordinal);
        Assert.Contains("\"grade\": \"GRADE_1\"", text, StringComparison.Ordinal);
        var e = Assert.Throws<InvalidDataException>(() => UplinkPayloads.DecodeToJson("{not json"u8));
        Assert.Contains("not valid JSON", e.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidDataException>(() => UplinkPayloads.DecodeToJson(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF }));
    }

    [Fact]
    public void Json_mode_round_trips_through_the_parser()
    {
        var envelope = new Envelope { MessageId = 5, BoxId = "b", Birth = new Birth { Online = true, MqttProtocol = "5.0" } };
        var json = JsonFormatter.Default.Format(envelope);
        Assert.Equal(envelope, UplinkPayloads.Parse(System.Text.Encoding.UTF8.GetBytes(json)));
    }
}

public sealed class PayloadDecoderTests
{
    [Fact]
    public void Decoding_an_envelope_prints_a_summary_and_the_json()
    {
        var envelope = new Envelope
        {
            MessageId = 42, BoxId = "box-1", LiftId = "lift-1", SchemaVersion = 1, MessageClass = Mqtt.Schema.V1.MessageClass.Alarm,
            WallUnixMs = 1_795_420_800_000, WallSynchronized = true, WallCorrected = true,
            Alarm = new Mqtt.Schema.V1.Alarm { AlarmId = 42, Attempt = 3, Event = new Event { Type = "entrapment", Code = 11 } },
        };
        var text = PayloadDecoder.DescribeEnvelope(envelope.ToByteArray(), jsonOnly: false);
        var summary = text.Split(Environment.NewLine)[0];
        Assert.Equal($"edgegw.v1 {envelope.CalculateSize()} bytes: message 42 class Alarm box box-1 lift lift-1 wall 2026-11-23T08:00:00.000Z (corrected); alarm 42 attempt 3: entrapment", summary);
        Assert.Contains("\"alarmId\": \"42\"", text, StringComparison.Ordinal);
        Assert.StartsWith("{", PayloadDecoder.DescribeEnvelope(envelope.ToByteArray(), jsonOnly: true), StringComparison.Ordinal);
    }

    [Fact]
    public void Hex_input_and_command_requests_decode()
    {
        var request = new CommandRequest { RequestId = "r-1", Ack = new AckArgs { AlarmId = 9 } };
        var hex = "0x" + Convert.ToHexString(request.ToByteArray()).Insert(4, " \n");
        Assert.Contains("\"alarmId\": \"9\"", PayloadDecoder.DescribeCommand(PayloadDecoder.FromHex(hex)), StringComparison.Ordinal);
        Assert.Throws<InvalidDataException>(() => PayloadDecoder.FromHex("zz"));
    }
}
