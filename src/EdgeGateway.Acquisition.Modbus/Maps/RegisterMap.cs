using System.Collections.Frozen;
using EdgeGateway.Core.Signals;

namespace EdgeGateway.Acquisition.Modbus.Maps;

/// <summary>The four Modbus data tables (Modbus Application Protocol V1.1b3, §4.3).</summary>
public enum RegisterTable : byte
{
    Coil,
    DiscreteInput,
    InputRegister,
    HoldingRegister,
}

/// <summary>How a signal's value is stored.</summary>
public enum RegisterValueType : byte
{
    /// <summary>A coil or discrete input, or one bit (0–15) of a register.</summary>
    Bit,
    U16,
    S16,

    /// <summary>Two consecutive registers, unsigned.</summary>
    U32,

    /// <summary>Two consecutive registers, two's complement.</summary>
    S32,

    /// <summary>A register whose raw value is looked up in the entry's enum table.</summary>
    Enum,
}

/// <summary>Which register of a 32-bit pair holds the high word. Modbus itself fixes only byte order (big-endian within a register).</summary>
public enum WordOrder : byte
{
    /// <summary>Address n holds bits 31..16 ("big-endian words", the Modicon convention).</summary>
    HighFirst,

    /// <summary>Address n holds bits 15..0 (common on controllers built around little-endian CPUs).</summary>
    LowFirst,
}

/// <summary>One normalised signal as a controller exposes it.</summary>
/// <param name="Index">Position of the entry in the file's "signals" array (for messages).</param>
/// <param name="EnumValues">Raw register value → the signal's enum value as int (LiftMode, TravelDirection, DoorState).</param>
public sealed record SignalBinding(
    int Index,
    string SignalName,
    SignalMask Signal,
    RegisterTable Table,
    ushort Address,
    RegisterValueType Type,
    int Bit,
    WordOrder WordOrder,
    double Scale,
    bool Invert,
    TimeSpan PollInterval,
    FrozenDictionary<int, int>? EnumValues)
{
    /// <summary>Registers (or bits, in bit tables) the value occupies.</summary>
    public int Width => Type is RegisterValueType.U32 or RegisterValueType.S32 ? 2 : 1;

    public int LastAddress => Address + Width - 1;

    public static bool IsBitTable(RegisterTable table) => table is RegisterTable.Coil or RegisterTable.DiscreteInput;
}

/// <summary>A validated register map: which register holds which normalised signal. Load with <see cref="RegisterMapLoader"/>.</summary>
public sealed class RegisterMap
{
    public RegisterMap(string name, string source, IReadOnlyList<SignalBinding> signals, int mergeGap)
    {
        Name = name;
        Source = source;
        Signals = signals;
        MergeGap = mergeGap;
        foreach (var s in signals)
        {
            Provides |= s.Signal;
        }
    }

    public string Name { get; }

    /// <summary>The file it came from (or a label for maps built in code).</summary>
    public string Source { get; }

    public IReadOnlyList<SignalBinding> Signals { get; }

    /// <summary>Unused addresses the poller may read across to merge two neighbouring entries into one request.</summary>
    public int MergeGap { get; }

    /// <summary>Every signal this map gives.</summary>
    public SignalMask Provides { get; }
}

/// <summary>A register map file is wrong. <see cref="Errors"/> lists every problem, each naming the file and the entry.</summary>
public sealed class RegisterMapException : Exception
{
    public RegisterMapException()
        : this("(unknown)", ["invalid register map"])
    {
    }

    public RegisterMapException(string message)
        : this("(unknown)", [message])
    {
    }

    public RegisterMapException(string message, Exception innerException)
        : base(message, innerException)
    {
        Source = "(unknown)";
        Errors = [message];
    }

    public RegisterMapException(string source, IReadOnlyList<string> errors)
        : base($"Register map {source} is invalid:{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", errors))
    {
        Source = source;
        Errors = errors;
    }

    public new string Source { get; }

    public IReadOnlyList<string> Errors { get; }
}
