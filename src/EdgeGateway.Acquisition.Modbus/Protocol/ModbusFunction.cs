namespace EdgeGateway.Acquisition.Modbus.Protocol;

/// <summary>The public function codes this master speaks (Modbus Application Protocol V1.1b3, §6.1–§6.12).</summary>
public enum ModbusFunction : byte
{
    ReadCoils = 0x01,
    ReadDiscreteInputs = 0x02,
    ReadHoldingRegisters = 0x03,
    ReadInputRegisters = 0x04,
    WriteSingleCoil = 0x05,
    WriteSingleRegister = 0x06,
    WriteMultipleCoils = 0x0F,
    WriteMultipleRegisters = 0x10,
}

/// <summary>Exception codes of an exception response (Modbus Application Protocol V1.1b3, §7).</summary>
public enum ModbusExceptionCode : byte
{
    None = 0x00,
    IllegalFunction = 0x01,
    IllegalDataAddress = 0x02,
    IllegalDataValue = 0x03,
    ServerDeviceFailure = 0x04,
    Acknowledge = 0x05,
    ServerDeviceBusy = 0x06,
    MemoryParityError = 0x08,
    GatewayPathUnavailable = 0x0A,
    GatewayTargetDeviceFailedToRespond = 0x0B,
}

public static class ModbusNames
{
    /// <summary>The exception's name as the specification prints it (§7), e.g. "ILLEGAL DATA ADDRESS".</summary>
    public static string Of(ModbusExceptionCode code) => code switch
    {
        ModbusExceptionCode.None => "NONE",
        ModbusExceptionCode.IllegalFunction => "ILLEGAL FUNCTION",
        ModbusExceptionCode.IllegalDataAddress => "ILLEGAL DATA ADDRESS",
        ModbusExceptionCode.IllegalDataValue => "ILLEGAL DATA VALUE",
        ModbusExceptionCode.ServerDeviceFailure => "SERVER DEVICE FAILURE",
        ModbusExceptionCode.Acknowledge => "ACKNOWLEDGE",
        ModbusExceptionCode.ServerDeviceBusy => "SERVER DEVICE BUSY",
        ModbusExceptionCode.MemoryParityError => "MEMORY PARITY ERROR",
        ModbusExceptionCode.GatewayPathUnavailable => "GATEWAY PATH UNAVAILABLE",
        ModbusExceptionCode.GatewayTargetDeviceFailedToRespond => "GATEWAY TARGET DEVICE FAILED TO RESPOND",
        _ => "UNKNOWN EXCEPTION",
    };

    public static string Of(ModbusFunction function) => function switch
    {
        ModbusFunction.ReadCoils => "read coils",
        ModbusFunction.ReadDiscreteInputs => "read discrete inputs",
        ModbusFunction.ReadHoldingRegisters => "read holding registers",
        ModbusFunction.ReadInputRegisters => "read input registers",
        ModbusFunction.WriteSingleCoil => "write single coil",
        ModbusFunction.WriteSingleRegister => "write single register",
        ModbusFunction.WriteMultipleCoils => "write multiple coils",
        ModbusFunction.WriteMultipleRegisters => "write multiple registers",
        _ => "function " + ((byte)function).ToString("X2"),
    };
}
