namespace EdgeGateway.Acquisition.Modbus.Protocol;

/// <summary>How one Modbus transaction ended, as far as the protocol is concerned (transport faults are exceptions).</summary>
public enum ModbusStatus : byte
{
    /// <summary>The slave answered with a valid normal response.</summary>
    Ok,

    /// <summary>The slave answered with an exception response (<see cref="ModbusResult.ExceptionCode"/> says which).</summary>
    SlaveException,

    /// <summary>No complete response within the response timeout, after all retries.</summary>
    Timeout,

    /// <summary>A response arrived but was not valid (<see cref="ModbusResult.FrameError"/> says why), after all retries.</summary>
    InvalidResponse,
}

/// <summary>Why a received frame was rejected.</summary>
public enum ModbusFrameError : byte
{
    None,
    Crc,
    WrongSlave,
    WrongFunction,
    WrongLength,
    WrongTransaction,
    WrongProtocol,
    Truncated,
    EchoMismatch,
    WrongEcho,
    UnknownFunction,
}

/// <summary>The outcome of one transaction: a value, never thrown, so a silent or confused slave costs no allocation.</summary>
public readonly record struct ModbusResult(ModbusStatus Status, ModbusExceptionCode ExceptionCode, ModbusFrameError FrameError)
{
    public static readonly ModbusResult Success = new(ModbusStatus.Ok, ModbusExceptionCode.None, ModbusFrameError.None);
    public static readonly ModbusResult NoResponse = new(ModbusStatus.Timeout, ModbusExceptionCode.None, ModbusFrameError.None);

    public bool IsOk => Status == ModbusStatus.Ok;

    public static ModbusResult FromException(ModbusExceptionCode code) => new(ModbusStatus.SlaveException, code, ModbusFrameError.None);

    public static ModbusResult Invalid(ModbusFrameError error) => new(ModbusStatus.InvalidResponse, ModbusExceptionCode.None, error);

    /// <summary>For logs and the probe: "ok", "exception 02 ILLEGAL DATA ADDRESS", "timeout", "invalid response (Crc)".</summary>
    public override string ToString() => Status switch
    {
        ModbusStatus.Ok => "ok",
        ModbusStatus.SlaveException => $"exception {(byte)ExceptionCode:X2} {ModbusNames.Of(ExceptionCode)}",
        ModbusStatus.Timeout => "timeout",
        _ => $"invalid response ({FrameError})",
    };
}
