using EdgeGateway.Core.Signals;

namespace EdgeGateway.Acquisition.Modbus.Maps;

/// <summary>
/// Converts between register contents and signal values as a map entry describes them: the master decodes what it
/// read, the simulated controller encodes its state. Both directions are here so they cannot drift apart.
/// </summary>
public static class RegisterCodec
{
    /// <summary>
    /// Decodes every entry of <paramref name="block"/> from its freshly read values into <paramref name="sample"/>.
    /// Returns the number of entries whose raw value could not be decoded (an enum value the map does not list);
    /// those signals are left unset for this poll.
    /// </summary>
    public static int Decode(ReadBlock block, ref ControllerSampleBuilder sample)
    {
        var undecodable = 0;
        foreach (var b in block.Bindings)
        {
            var offset = b.Address - block.Start;
            switch (b.Type)
            {
                case RegisterValueType.Bit:
                    var bit = SignalBinding.IsBitTable(block.Table) ? block.Bits[offset] : (block.Registers[offset] & (1 << b.Bit)) != 0;
                    sample.SetBoolean(b.Signal, bit != b.Invert);
                    break;
                case RegisterValueType.Enum:
                    if (b.EnumValues!.TryGetValue(block.Registers[offset], out var value))
                    {
                        sample.SetInteger(b.Signal, value);
                    }
                    else if (b.Signal == SignalMask.Mode)
                    {
                        // A mode the map does not know is still a fact: the controller is in some mode we cannot name.
                        sample.SetInteger(b.Signal, (int)LiftMode.Unknown);
                        undecodable++;
                    }
                    else
                    {
                        undecodable++;
                    }

                    break;
                default:
                    sample.SetInteger(b.Signal, Scale(ReadRaw(b, block.Registers.AsSpan(offset)), b.Scale));
                    break;
            }
        }

        return undecodable;
    }

    /// <summary>The raw integer of a numeric entry whose first register is <paramref name="registers"/>[0].</summary>
    public static long ReadRaw(SignalBinding b, ReadOnlySpan<ushort> registers) => b.Type switch
    {
        RegisterValueType.S16 => (short)registers[0],
        RegisterValueType.U32 => Combine(b.WordOrder, registers),
        RegisterValueType.S32 => (int)Combine(b.WordOrder, registers),
        _ => registers[0],
    };

    /// <summary>Writes a numeric value (already in signal units) into the entry's registers.</summary>
    public static void WriteNumber(SignalBinding b, long value, Span<ushort> registers)
    {
        var raw = b.Scale == 1.0 ? value : (long)Math.Round(value / b.Scale);
        switch (b.Type)
        {
            case RegisterValueType.U32:
            case RegisterValueType.S32:
                var bits = (uint)raw;
                var high = (ushort)(bits >> 16);
                var low = (ushort)bits;
                (registers[0], registers[1]) = b.WordOrder == WordOrder.HighFirst ? (high, low) : (low, high);
                break;
            default:
                registers[0] = (ushort)raw;
                break;
        }
    }

    /// <summary>The raw register value an enum entry uses for <paramref name="value"/>, or false when the map has none.</summary>
    public static bool TryEncodeEnum(SignalBinding b, int value, out ushort raw)
    {
        // Several raw codes may name one value (two fault modes both "out_of_service"); the lowest is the canonical one.
        var found = -1;
        foreach (var (key, v) in b.EnumValues!)
        {
            if (v == value && (found < 0 || key < found))
            {
                found = key;
            }
        }

        raw = (ushort)Math.Max(found, 0);
        return found >= 0;
    }

    private static uint Combine(WordOrder order, ReadOnlySpan<ushort> r) =>
        order == WordOrder.HighFirst ? ((uint)r[0] << 16) | r[1] : ((uint)r[1] << 16) | r[0];

    private static int Scale(long raw, double scale) =>
        scale == 1.0 ? (int)Math.Clamp(raw, int.MinValue, int.MaxValue) : (int)Math.Clamp(Math.Round(raw * scale), int.MinValue, int.MaxValue);
}
