using EdgeGateway.Acquisition.Modbus.Protocol;

namespace EdgeGateway.Acquisition.Modbus.Tests.Protocol;

public class ModbusPduTests
{
    private static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", ""));

    private static byte[] Rtu(byte slave, Func<byte[], int> writePdu)
    {
        var pdu = new byte[256];
        var pduLength = writePdu(pdu);
        var frame = new byte[256];
        pdu.AsSpan(0, pduLength).CopyTo(frame.AsSpan(1));
        var length = RtuFrame.Seal(frame, slave, pduLength);
        return frame[..length];
    }

    [Fact]
    public void Read_holding_registers_request_is_the_literal_frame()
    {
        Assert.Equal(Hex("01 03 00 00 00 0A C5 CD"), Rtu(1, p => ModbusPdu.WriteReadRequest(p, ModbusFunction.ReadHoldingRegisters, 0, 10)));
        Assert.Equal(Hex("11 03 00 6B 00 03 76 87"), Rtu(0x11, p => ModbusPdu.WriteReadRequest(p, ModbusFunction.ReadHoldingRegisters, 0x6B, 3)));
        Assert.Equal(Hex("01 01 00 13 00 13 8C 02"), Rtu(1, p => ModbusPdu.WriteReadRequest(p, ModbusFunction.ReadCoils, 0x13, 0x13)));
    }

    [Fact]
    public void Write_requests_are_the_literal_frames()
    {
        Assert.Equal(Hex("01 05 00 AC FF 00 4C 1B"), Rtu(1, p => ModbusPdu.WriteSingleCoilRequest(p, 0xAC, true)));
        Assert.Equal(Hex("11 10 00 01 00 02 04 00 0A 01 02 C6 F0"), Rtu(0x11, p => ModbusPdu.WriteMultipleRegistersRequest(p, 1, [0x000A, 0x0102])));
        // §6.11 example: coils 20..29 = CD 01.
        bool[] coils = [true, false, true, true, false, false, true, true, true, false];
        Assert.Equal(Hex("01 0F 00 13 00 0A 02 CD 01 72 CB"), Rtu(1, p => ModbusPdu.WriteMultipleCoilsRequest(p, 0x13, coils)));
        Assert.Equal(Hex("01 06 00 01 00 03"), Rtu(1, p => ModbusPdu.WriteSingleRegisterRequest(p, 1, 3))[..6]);
    }

    [Fact]
    public void Literal_register_response_decodes()
    {
        var frame = Hex("11 03 06 AE 41 56 52 43 40 49 AD");
        Assert.Equal(ModbusFrameError.None, RtuFrame.TryOpen(frame, 0x11, out var pdu));
        var values = new ushort[3];
        Assert.Equal(ModbusResult.Success, ModbusPdu.ReadRegistersResponse(pdu, ModbusFunction.ReadHoldingRegisters, 3, values));
        Assert.Equal(new ushort[] { 0xAE41, 0x5652, 0x4340 }, values);
    }

    [Fact]
    public void Exception_response_is_a_result_naming_the_code()
    {
        var frame = Hex("01 83 02 C0 F1");
        Assert.Equal(ModbusFrameError.None, RtuFrame.TryOpen(frame, 1, out var pdu));
        var result = ModbusPdu.ReadRegistersResponse(pdu, ModbusFunction.ReadHoldingRegisters, 1, new ushort[1]);
        Assert.Equal(ModbusStatus.SlaveException, result.Status);
        Assert.Equal(ModbusExceptionCode.IllegalDataAddress, result.ExceptionCode);
        Assert.Equal("exception 02 ILLEGAL DATA ADDRESS", result.ToString());
        Assert.Equal("ILLEGAL FUNCTION", ModbusNames.Of(ModbusExceptionCode.IllegalFunction));
    }

    [Fact]
    public void Frame_from_another_slave_or_with_bad_crc_is_rejected()
    {
        Assert.Equal(ModbusFrameError.WrongSlave, RtuFrame.TryOpen(Hex("11 03 06 AE 41 56 52 43 40 49 AD"), 0x12, out _));
        Assert.Equal(ModbusFrameError.Crc, RtuFrame.TryOpen(Hex("11 03 06 AE 41 56 52 43 41 49 AD"), 0x11, out _));
        Assert.Equal(ModbusFrameError.Truncated, RtuFrame.TryOpen(Hex("11 03 06"), 0x11, out _));
    }

    [Fact]
    public void Bits_round_trip_through_pack_and_unpack()
    {
        var bits = new bool[37];
        for (var i = 0; i < bits.Length; i++)
        {
            bits[i] = i % 3 == 0 || i % 7 == 1;
        }

        var pdu = new byte[256];
        pdu[0] = (byte)ModbusFunction.ReadDiscreteInputs;
        pdu[1] = 5;
        ModbusPdu.PackBits(bits, pdu.AsSpan(2, 5));
        var back = new bool[37];
        Assert.Equal(ModbusResult.Success, ModbusPdu.ReadBitsResponse(pdu.AsSpan(0, 7), ModbusFunction.ReadDiscreteInputs, 37, back));
        Assert.Equal(bits, back);
    }

    [Fact]
    public void Registers_round_trip_through_a_write_request_and_a_read_response()
    {
        ushort[] values = [0, 1, 0x7FFF, 0x8000, 0xFFFF, 12345];
        var pdu = new byte[256];
        var length = ModbusPdu.WriteMultipleRegistersRequest(pdu, 100, values);
        Assert.Equal(6 + 12, length);
        // A read response carries the same payload after function + byte count.
        var response = new byte[2 + 12];
        response[0] = 3;
        response[1] = 12;
        pdu.AsSpan(6, 12).CopyTo(response.AsSpan(2));
        var back = new ushort[6];
        Assert.True(ModbusPdu.ReadRegistersResponse(response, ModbusFunction.ReadHoldingRegisters, 6, back).IsOk);
        Assert.Equal(values, back);
    }

    [Fact]
    public void Write_response_must_echo_the_request()
    {
        var request = new byte[5];
        ModbusPdu.WriteSingleRegisterRequest(request, 7, 0x1234);
        Assert.True(ModbusPdu.WriteResponse(request, request).IsOk);
        var wrong = (byte[])request.Clone();
        wrong[4] ^= 1;
        Assert.Equal(ModbusFrameError.WrongEcho, ModbusPdu.WriteResponse(wrong, request).FrameError);
    }

    [Fact]
    public void Response_with_wrong_byte_count_is_invalid()
    {
        var result = ModbusPdu.ReadRegistersResponse(Hex("03 04 00 01 00 02"), ModbusFunction.ReadHoldingRegisters, 3, new ushort[3]);
        Assert.Equal(ModbusFrameError.WrongLength, result.FrameError);
    }

    [Fact]
    public void Expected_response_length_follows_function_and_byte_count()
    {
        Assert.Equal(-1, ModbusPdu.ExpectedResponseLength(Hex("03")));
        Assert.Equal(2 + 20, ModbusPdu.ExpectedResponseLength(Hex("03 14")));
        Assert.Equal(2, ModbusPdu.ExpectedResponseLength(Hex("83")));
        Assert.Equal(5, ModbusPdu.ExpectedResponseLength(Hex("10")));
        Assert.Equal(0, ModbusPdu.ExpectedResponseLength(Hex("2B")));
    }

    [Fact]
    public void Mbap_header_round_trips_and_rejects_foreign_protocols()
    {
        var header = new byte[7];
        MbapHeader.Write(header, 0xBEEF, 9, 5);
        Assert.Equal(Hex("BE EF 00 00 00 06 09"), header);
        Assert.Equal(ModbusFrameError.None, MbapHeader.TryRead(header, out var tid, out var unit, out var pduLength));
        Assert.Equal((0xBEEF, 9, 5), (tid, unit, pduLength));
        Assert.Equal(ModbusFrameError.WrongProtocol, MbapHeader.TryRead(Hex("00 01 00 01 00 06 01"), out _, out _, out _));
        Assert.Equal(ModbusFrameError.WrongLength, MbapHeader.TryRead(Hex("00 01 00 00 01 00 01"), out _, out _, out _));
    }

    [Theory]
    [InlineData(9600, 1145.8, 1718.75, 4010.4)]
    [InlineData(19200, 572.9, 859.4, 2005.2)]
    [InlineData(38400, 286.5, 750, 1750)]
    [InlineData(115200, 95.5, 750, 1750)]
    public void Rtu_timing_follows_serial_line_spec_2_5_1_1(int baud, double character, double t15, double t35)
    {
        var timing = RtuTiming.ForBaudRate(baud);
        Assert.Equal(character, timing.CharacterMicros, 0.1);
        Assert.Equal(t15, timing.InterCharacterMicros, 0.1);
        Assert.Equal(t35, timing.InterFrameMicros, 0.1);
    }
}
