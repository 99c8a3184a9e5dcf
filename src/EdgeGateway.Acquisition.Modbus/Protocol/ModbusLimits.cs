namespace EdgeGateway.Acquisition.Modbus.Protocol;

/// <summary>Quantity limits of the Modbus Application Protocol V1.1b3 and frame sizes of the serial line spec.</summary>
public static class ModbusLimits
{
    /// <summary>§6.1/§6.2: quantity of coils or discrete inputs per read, 1 to 2000 (0x7D0).</summary>
    public const int MaxReadBits = 2000;

    /// <summary>§6.3/§6.4: quantity of registers per read, 1 to 125 (0x7D).</summary>
    public const int MaxReadRegisters = 125;

    /// <summary>§6.11: quantity of coils per write, 1 to 1968 (0x7B0).</summary>
    public const int MaxWriteBits = 1968;

    /// <summary>§6.12: quantity of registers per write, 1 to 123 (0x7B).</summary>
    public const int MaxWriteRegisters = 123;

    /// <summary>§4.1: the PDU is at most 253 bytes (256-byte RTU ADU minus address and CRC).</summary>
    public const int MaxPduLength = 253;

    /// <summary>Serial line spec §2.5.1: RTU ADU = address (1) + PDU (≤253) + CRC (2) = 256 bytes.</summary>
    public const int MaxRtuFrameLength = 256;

    /// <summary>Modbus Messaging on TCP/IP V1.0b §3.1.3: MBAP header is 7 bytes, ADU at most 260 bytes.</summary>
    public const int MbapHeaderLength = 7;

    public const int MaxTcpFrameLength = MbapHeaderLength + MaxPduLength;

    /// <summary>Serial line spec §2.2: individual slave addresses are 1–247; 0 is broadcast.</summary>
    public const byte MaxSlaveAddress = 247;
}
