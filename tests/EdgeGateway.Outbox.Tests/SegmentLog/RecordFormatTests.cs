using EdgeGateway.Outbox.SegmentLog;

namespace EdgeGateway.Outbox.Tests.SegmentLog;

/// <summary>The on-disk format, pinned by literal frames whose CRCs were computed by an independent bitwise CRC-32C.</summary>
public sealed class RecordFormatTests
{
    [Fact]
    public void Crc32C_matches_the_Castagnoli_check_value()
    {
        Assert.Equal(0xE3069283u, Crc32C.Compute("123456789"u8));
        Assert.Equal(Crc32C.Compute("123456789"u8), Crc32C.Append(Crc32C.Compute("1234"u8), "56789"u8));
        Assert.Equal(0u, Crc32C.Compute([]));
    }

    [Fact]
    public void Message_record_matches_the_literal_frame()
    {
        var frame = new byte[RecordFormat.MessageRecordLength(2)];
        RecordFormat.WriteMessage(frame, id: 1, MessageClass.Alarm, streamIndex: 0, bootIndex: 0, monotonicMicros: 1000,
            wallUnixMillis: 1_790_000_000_000, wallSynchronized: true, "hi"u8);

        Assert.Equal(Convert.FromHexString(
            "E6B001061E000000B1A0A736" + "00000000" + "0100000000000000" + "E803000000000000" + "006C50C4A0010000" + "6869"), frame);
        Assert.Equal(frame.Length, RecordFormat.TryValidate(frame, out var kind, out _));
        Assert.Equal(RecordKind.Message, kind);
        var header = RecordFormat.ReadMessageHeader(frame);
        Assert.Equal(new MessageHeader(1, MessageClass.Alarm, 0, 0, 1000, 1_790_000_000_000, true, 2), header);
        Assert.Equal("hi"u8.ToArray(), RecordFormat.MessagePayload(frame).ToArray());
    }

    [Fact]
    public void Segment_header_and_ack_records_match_their_literal_frames()
    {
        var header = new byte[RecordFormat.SegmentHeaderBytes];
        RecordFormat.WriteSegmentHeader(header, sequence: 1, nextId: 1);
        Assert.Equal(Convert.FromHexString("E6B00000140000007ABBF86E" + "01000000" + "0100000000000000" + "0100000000000000"), header);

        long[] ids = [5, 6, 7, 10];
        var ack = new byte[RecordFormat.AckLength(RecordFormat.CountRanges(ids))];
        Assert.Equal(ack.Length, RecordFormat.WriteAck(ack, ids));
        Assert.Equal(Convert.FromHexString("E6B0020018000000A1F9CD24" + "0500000000000000" + "03000000" + "0A00000000000000" + "01000000"), ack);
    }

    [Fact]
    public void Any_flipped_bit_fails_validation()
    {
        var frame = new byte[RecordFormat.MessageRecordLength(16)];
        RecordFormat.WriteMessage(frame, 77, MessageClass.Event, 3, 1, 5, 6, false, new byte[16]);
        for (var bit = 0; bit < frame.Length * 8; bit++)
        {
            var copy = (byte[])frame.Clone();
            copy[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.True(RecordFormat.TryValidate(copy, out _, out _) == 0, $"bit {bit} flipped still validates");
        }
    }

    [Fact]
    public void Definition_records_round_trip()
    {
        var stream = new byte[RecordFormat.DefineStreamLength("telemetry/ä")];
        RecordFormat.WriteDefineStream(stream, 513, "telemetry/ä");
        Assert.Equal(stream.Length, RecordFormat.TryValidate(stream, out var kind, out _));
        Assert.Equal(RecordKind.DefineStream, kind);
        Assert.Equal((513, "telemetry/ä"), RecordFormat.ReadDefineStream(stream));

        var boot = new byte[RecordFormat.DefineBootLength];
        var id = Guid.NewGuid();
        RecordFormat.WriteDefineBoot(boot, 2, id);
        Assert.Equal(boot.Length, RecordFormat.TryValidate(boot, out kind, out _));
        Assert.Equal((2, id), RecordFormat.ReadDefineBoot(boot));
    }
}
