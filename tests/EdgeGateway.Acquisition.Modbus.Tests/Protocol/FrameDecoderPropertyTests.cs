using EdgeGateway.Acquisition.Modbus.Protocol;
using FsCheck.Xunit;

namespace EdgeGateway.Acquisition.Modbus.Tests.Protocol;

/// <summary>Whatever arrives on the wire, the decoders return a result; they never throw.</summary>
public class FrameDecoderPropertyTests
{
    [Property(MaxTest = 2000)]
    public void Rtu_open_never_throws(byte[] frame, byte slave)
    {
        var error = RtuFrame.TryOpen(frame, slave, out var pdu);
        Assert.True(error != ModbusFrameError.None || pdu.Length == frame.Length - 3);
    }

    [Property(MaxTest = 2000)]
    public void Pdu_decoders_never_throw(byte[] pdu, byte function, ushort count)
    {
        var fc = (ModbusFunction)function;
        var n = 1 + (count % 2000);
        var bits = new bool[n];
        var registers = new ushort[Math.Min(n, 125)];
        _ = ModbusPdu.ReadBitsResponse(pdu, fc, n, bits);
        _ = ModbusPdu.ReadRegistersResponse(pdu, fc, registers.Length, registers);
        _ = ModbusPdu.WriteResponse(pdu, pdu);
        _ = ModbusPdu.CheckFunction(pdu, fc);
        _ = ModbusPdu.ExpectedResponseLength(pdu);
        _ = MbapHeader.TryRead(pdu, out _, out _, out _);
    }

    [Property(MaxTest = 500)]
    public void A_valid_crc_frame_with_random_payload_opens_to_its_pdu(byte slave, byte[] payload)
    {
        var length = Math.Min(payload.Length, 250);
        var frame = new byte[length + 4];
        frame[1] = 3;
        payload.AsSpan(0, length).CopyTo(frame.AsSpan(2));
        var sealedLength = RtuFrame.Seal(frame, slave, length + 1);
        Assert.Equal(ModbusFrameError.None, RtuFrame.TryOpen(frame.AsSpan(0, sealedLength), slave, out var pdu));
        Assert.Equal(length + 1, pdu.Length);
    }

    [Fact]
    public void Random_noise_is_rejected_not_thrown()
    {
        var random = new Random(7);
        var buffer = new byte[300];
        for (var i = 0; i < 10_000; i++)
        {
            random.NextBytes(buffer);
            var length = random.Next(0, buffer.Length);
            _ = RtuFrame.TryOpen(buffer.AsSpan(0, length), buffer[0], out _);
        }
    }
}
