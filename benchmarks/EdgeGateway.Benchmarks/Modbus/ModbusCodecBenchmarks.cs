using BenchmarkDotNet.Attributes;
using EdgeGateway.Acquisition.Modbus.Maps;
using EdgeGateway.Acquisition.Modbus.Protocol;
using EdgeGateway.Core.Signals;

namespace EdgeGateway.Benchmarks.Modbus;

/// <summary>The per-poll CPU work of the master: CRC, framing, response decoding, register map decoding. 0 B expected.</summary>
[MemoryDiagnoser]
[ShortRunJob]
public class ModbusCodecBenchmarks
{
    private readonly byte[] _frame = new byte[256];
    private readonly byte[] _response = new byte[256];
    private readonly ushort[] _registers = new ushort[125];
    private ReadBlock _block = null!;
    private int _responseLength;

    [GlobalSetup]
    public void Setup()
    {
        new Random(1).NextBytes(_frame);
        _response[0] = 1;
        _response[1] = 3;
        _response[2] = 250;
        _responseLength = ModbusCrc.Append(_response, 3 + 250);
        var map = RegisterMapLoader.Parse(
            """
            { "signals": [
              { "signal": "mode", "table": "holding", "address": 0, "type": "enum", "enum": { "1": "normal" } },
              { "signal": "floor", "table": "holding", "address": 1, "type": "s16" },
              { "signal": "speed", "table": "holding", "address": 5, "type": "s32" },
              { "signal": "run", "table": "holding", "address": 7, "type": "bit", "bit": 0 },
              { "signal": "lock", "table": "holding", "address": 7, "type": "bit", "bit": 1 }
            ] }
            """,
            "bench.json",
            TimeSpan.FromMilliseconds(100));
        _block = ReadPlanner.Plan(map)[0];
        _block.Registers[0] = 1;
    }

    /// <summary>CRC-16 of a maximum-size RTU frame (254 bytes before the CRC).</summary>
    [Benchmark]
    public ushort Crc_of_256_byte_frame() => ModbusCrc.Compute(_frame.AsSpan(0, 254));

    /// <summary>Build and seal "01 03 00 00 00 0A C5 CD".</summary>
    [Benchmark]
    public int Build_read_request()
    {
        var length = ModbusPdu.WriteReadRequest(_frame.AsSpan(1), ModbusFunction.ReadHoldingRegisters, 0, 10);
        return RtuFrame.Seal(_frame, 1, length);
    }

    /// <summary>Check CRC and decode a 125-register response.</summary>
    [Benchmark]
    public ModbusResult Open_and_decode_125_registers()
    {
        RtuFrame.TryOpen(_response.AsSpan(0, _responseLength), 1, out var pdu);
        return ModbusPdu.ReadRegistersResponse(pdu, ModbusFunction.ReadHoldingRegisters, 125, _registers);
    }

    /// <summary>Registers of one poll to a LiftSample through the map.</summary>
    [Benchmark]
    public LiftSample Map_decode_to_sample()
    {
        var builder = new ControllerSampleBuilder();
        RegisterCodec.Decode(_block, ref builder);
        return builder.ToSample(1);
    }
}
