using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;
using EdgeGateway.Core.Signals;

namespace EdgeGateway.Acquisition.Modbus.Maps;

/// <summary>
/// Reads and validates a register map JSON file (format: hardware/register-maps/README.md). Every problem is
/// collected and reported at once, each as "file: signals[i] (name): problem", so an installer fixes a map in one pass.
/// </summary>
public static class RegisterMapLoader
{
    /// <summary>Faster than any controller refreshes its registers; slower would make a signal useless for detection.</summary>
    public const int MinPollMs = 10;

    public const int MaxPollMs = 60_000;

    /// <summary>More than this many unused registers between two entries is cheaper as a second request.</summary>
    public const int MaxMergeGap = 64;

    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    public static RegisterMap Load(string path, TimeSpan defaultPollInterval)
    {
        var label = Path.GetFileName(path);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RegisterMapException(path, [$"{label}: cannot read the file ({e.Message})."]);
        }

        return Parse(text, label, defaultPollInterval);
    }

    public static RegisterMap Parse(string json, string label, TimeSpan defaultPollInterval)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, DocumentOptions);
        }
        catch (JsonException e)
        {
            throw new RegisterMapException(label, [$"{label}: not valid JSON at line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}: {e.Message}"]);
        }

        using (document)
        {
            return Validate(document.RootElement, label, defaultPollInterval);
        }
    }

    private static RegisterMap Validate(JsonElement root, string label, TimeSpan defaultPollInterval)
    {
        var errors = new List<string>();
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new RegisterMapException(label, [$"{label}: the map must be a JSON object with a \"signals\" array."]);
        }

        var name = root.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : Path.GetFileNameWithoutExtension(label);
        var mergeGap = 0;
        if (root.TryGetProperty("mergeGap", out var gap))
        {
            if (gap.ValueKind != JsonValueKind.Number || !gap.TryGetInt32(out mergeGap) || mergeGap < 0 || mergeGap > MaxMergeGap)
            {
                errors.Add($"{label}: mergeGap must be an integer 0..{MaxMergeGap}.");
                mergeGap = 0;
            }
        }

        if (root.TryGetProperty("defaultPollMs", out var dp))
        {
            if (dp.ValueKind == JsonValueKind.Number && dp.TryGetInt32(out var ms) && ms is >= MinPollMs and <= MaxPollMs)
            {
                defaultPollInterval = TimeSpan.FromMilliseconds(ms);
            }
            else
            {
                errors.Add($"{label}: defaultPollMs must be an integer {MinPollMs}..{MaxPollMs}.");
            }
        }

        if (!root.TryGetProperty("signals", out var signals) || signals.ValueKind != JsonValueKind.Array)
        {
            errors.Add($"{label}: missing the \"signals\" array.");
            throw new RegisterMapException(label, errors);
        }

        var bindings = new List<SignalBinding>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var index = 0;
        foreach (var entry in signals.EnumerateArray())
        {
            // Duplicates are checked on the name alone, so a second entry is reported even when the first has other errors.
            var signalName = entry.ValueKind == JsonValueKind.Object && entry.TryGetProperty("signal", out var sn) && sn.ValueKind == JsonValueKind.String
                ? sn.GetString()!
                : "";
            var duplicate = signalName.Length > 0 && seen.ContainsKey(signalName);
            if (duplicate)
            {
                errors.Add($"{Where(label, index, signalName)}: signal '{signalName}' is already mapped by signals[{seen[signalName]}].");
            }
            else if (signalName.Length > 0)
            {
                seen.Add(signalName, index);
            }

            var binding = ValidateEntry(entry, index, label, defaultPollInterval, errors);
            if (binding is not null && !duplicate)
            {
                bindings.Add(binding);
            }

            index++;
        }

        if (index == 0)
        {
            errors.Add($"{label}: the \"signals\" array is empty.");
        }

        CheckOverlaps(bindings, label, errors);
        if (errors.Count > 0)
        {
            throw new RegisterMapException(label, errors);
        }

        return new RegisterMap(name, label, bindings, mergeGap);
    }

    private static SignalBinding? ValidateEntry(JsonElement entry, int index, string label, TimeSpan defaultPoll, List<string> errors)
    {
        var before = errors.Count;
        if (entry.ValueKind != JsonValueKind.Object)
        {
            errors.Add($"{label}: signals[{index}]: must be an object.");
            return null;
        }

        var signalName = entry.TryGetProperty("signal", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString()! : "";
        var where = Where(label, index, signalName);
        var kind = SignalKindOf(signalName, out var signal);
        if (signalName.Length == 0)
        {
            errors.Add($"{where}: missing \"signal\".");
        }
        else if (kind == SignalKind.Unknown)
        {
            errors.Add($"{where}: unknown signal '{signalName}'; a map can give {MappableNames}.");
        }

        var table = RegisterTable.HoldingRegister;
        var tableText = entry.TryGetProperty("table", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        if (!TryParseTable(tableText, out table))
        {
            errors.Add($"{where}: table '{tableText}' is not one of coil, discrete, input, holding.");
        }

        var address = -1;
        var hasAddress = entry.TryGetProperty("address", out var a) && a.ValueKind == JsonValueKind.Number && a.TryGetInt32(out address);
        if (!hasAddress)
        {
            errors.Add($"{where}: missing or non-integer \"address\".");
        }

        var typeText = entry.TryGetProperty("type", out var ty) && ty.ValueKind == JsonValueKind.String ? ty.GetString() : null;
        if (!TryParseType(typeText, out var type))
        {
            errors.Add($"{where}: type '{typeText}' is not one of bit, u16, s16, u32, s32, enum.");
        }

        var width = type is RegisterValueType.U32 or RegisterValueType.S32 ? 2 : 1;
        if (hasAddress && (address < 0 || address + width - 1 > ushort.MaxValue))
        {
            errors.Add($"{where}: address {address}{(width == 2 ? " (2 registers)" : "")} is out of range 0..65535.");
        }

        var bitTable = SignalBinding.IsBitTable(table);
        if (bitTable && type != RegisterValueType.Bit)
        {
            errors.Add($"{where}: the {tableText} table holds single bits; type must be bit, not {typeText}.");
        }

        var bit = 0;
        if (entry.TryGetProperty("bit", out var b))
        {
            if (bitTable || type != RegisterValueType.Bit)
            {
                errors.Add($"{where}: \"bit\" selects a bit of a register; it applies only to type bit in the input or holding table.");
            }
            else if (b.ValueKind != JsonValueKind.Number || !b.TryGetInt32(out bit) || bit is < 0 or > 15)
            {
                errors.Add($"{where}: bit must be an integer 0..15.");
            }
        }
        else if (!bitTable && type == RegisterValueType.Bit)
        {
            errors.Add($"{where}: type bit in a register table needs \"bit\" (0..15).");
        }

        var wordOrder = WordOrder.HighFirst;
        if (entry.TryGetProperty("wordOrder", out var wo))
        {
            var text = wo.ValueKind == JsonValueKind.String ? wo.GetString() : null;
            if (width != 2)
            {
                errors.Add($"{where}: wordOrder applies only to u32/s32.");
            }
            else if (text == "high_first")
            {
                wordOrder = WordOrder.HighFirst;
            }
            else if (text == "low_first")
            {
                wordOrder = WordOrder.LowFirst;
            }
            else
            {
                errors.Add($"{where}: wordOrder '{text}' is not high_first or low_first.");
            }
        }

        var scale = 1.0;
        if (entry.TryGetProperty("scale", out var sc))
        {
            if (sc.ValueKind != JsonValueKind.Number || !sc.TryGetDouble(out scale) || !double.IsFinite(scale) || scale == 0)
            {
                errors.Add($"{where}: scale must be a finite non-zero number.");
                scale = 1.0;
            }
            else if (kind != SignalKind.Integer)
            {
                errors.Add($"{where}: scale applies only to numeric signals (floor, fault, speed).");
            }
        }

        var invert = false;
        if (entry.TryGetProperty("invert", out var inv))
        {
            if (inv.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                errors.Add($"{where}: invert must be true or false.");
            }
            else
            {
                invert = inv.GetBoolean();
                if (invert && type != RegisterValueType.Bit)
                {
                    errors.Add($"{where}: invert applies only to type bit.");
                }
            }
        }

        var poll = defaultPoll;
        if (entry.TryGetProperty("pollMs", out var p))
        {
            if (p.ValueKind != JsonValueKind.Number || !p.TryGetInt32(out var ms) || ms is < MinPollMs or > MaxPollMs)
            {
                errors.Add($"{where}: pollMs must be an integer {MinPollMs}..{MaxPollMs}.");
            }
            else
            {
                poll = TimeSpan.FromMilliseconds(ms);
            }
        }

        // The signal decides which types make sense.
        switch (kind)
        {
            case SignalKind.Boolean when type != RegisterValueType.Bit:
                errors.Add($"{where}: '{signalName}' is a boolean signal; type must be bit.");
                break;
            case SignalKind.Enumerated when type != RegisterValueType.Enum:
                errors.Add($"{where}: '{signalName}' takes named values; type must be enum with an \"enum\" table.");
                break;
            case SignalKind.Integer when type is RegisterValueType.Bit or RegisterValueType.Enum:
                errors.Add($"{where}: '{signalName}' is numeric; type must be u16, s16, u32 or s32.");
                break;
        }

        Dictionary<int, int>? enumValues = null;
        var hasEnum = entry.TryGetProperty("enum", out var en);
        if (type == RegisterValueType.Enum)
        {
            if (!hasEnum || en.ValueKind != JsonValueKind.Object)
            {
                errors.Add($"{where}: type enum needs an \"enum\" object mapping raw values to {signalName} values.");
            }
            else if (kind == SignalKind.Enumerated)
            {
                enumValues = ParseEnum(en, signal, where, errors);
            }
        }
        else if (hasEnum)
        {
            errors.Add($"{where}: \"enum\" is given but type is {typeText}, not enum.");
        }

        if (errors.Count != before)
        {
            return null;
        }

        return new SignalBinding(index, signalName, signal, table, (ushort)address, type, bit, wordOrder, scale, invert, poll, enumValues?.ToFrozenDictionary());
    }

    private static Dictionary<int, int>? ParseEnum(JsonElement en, SignalMask signal, string where, List<string> errors)
    {
        var values = new Dictionary<int, int>();
        var before = errors.Count;
        foreach (var property in en.EnumerateObject())
        {
            if (!int.TryParse(property.Name, NumberStyles.None, CultureInfo.InvariantCulture, out var raw) || raw > ushort.MaxValue)
            {
                errors.Add($"{where}: enum key '{property.Name}' is not a raw register value 0..65535.");
                continue;
            }

            var text = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : null;
            if (!TryParseEnumValue(signal, text, out var value))
            {
                errors.Add($"{where}: enum value '{text}' for raw {raw} is not a {SignalNames_(signal)} value ({AllowedValues(signal)}).");
                continue;
            }

            values[raw] = value;
        }

        if (values.Count == 0 && errors.Count == before)
        {
            errors.Add($"{where}: the enum table is empty.");
        }

        return errors.Count == before ? values : null;
    }

    private static void CheckOverlaps(List<SignalBinding> bindings, string label, List<string> errors)
    {
        for (var i = 0; i < bindings.Count; i++)
        {
            for (var j = i + 1; j < bindings.Count; j++)
            {
                var x = bindings[i];
                var y = bindings[j];
                if (x.Table != y.Table || x.Address > y.LastAddress || y.Address > x.LastAddress)
                {
                    continue;
                }

                // Two bits of one register may share it; everything else may not.
                var distinctBits = !SignalBinding.IsBitTable(x.Table) && x.Type == RegisterValueType.Bit && y.Type == RegisterValueType.Bit && x.Bit != y.Bit;
                if (!distinctBits)
                {
                    errors.Add($"{Where(label, y.Index, y.SignalName)}: {TableName(y.Table)} {y.Address} overlaps signals[{x.Index}] ({x.SignalName}) at {x.Address}{(x.Width == 2 ? "-" + x.LastAddress : "")}.");
                }
            }
        }
    }

    private static string Where(string label, int index, string signal) =>
        signal.Length == 0 ? $"{label}: signals[{index}]" : $"{label}: signals[{index}] ({signal})";

    private enum SignalKind
    {
        Unknown,
        Boolean,
        Integer,
        Enumerated,
    }

    private const string MappableNames = "mode, floor, dir, run, door, lock, safety, fault, speed, zone, occupied, alarm, mains";

    private static SignalKind SignalKindOf(string name, out SignalMask signal)
    {
        (signal, var kind) = name switch
        {
            "mode" => (SignalMask.Mode, SignalKind.Enumerated),
            "dir" => (SignalMask.Dir, SignalKind.Enumerated),
            "door" => (SignalMask.Door, SignalKind.Enumerated),
            "floor" => (SignalMask.Floor, SignalKind.Integer),
            "fault" => (SignalMask.Fault, SignalKind.Integer),
            "speed" => (SignalMask.Speed, SignalKind.Integer),
            "run" => (SignalMask.Run, SignalKind.Boolean),
            "lock" => (SignalMask.Lock, SignalKind.Boolean),
            "safety" => (SignalMask.Safety, SignalKind.Boolean),
            "zone" => (SignalMask.Zone, SignalKind.Boolean),
            "occupied" => (SignalMask.Occupied, SignalKind.Boolean),
            "alarm" => (SignalMask.Alarm, SignalKind.Boolean),
            "mains" => (SignalMask.Mains, SignalKind.Boolean),
            // link is derived from the bus itself and acc comes from the accelerometer: neither is a register.
            _ => (SignalMask.None, SignalKind.Unknown),
        };
        return kind;
    }

    private static bool TryParseEnumValue(SignalMask signal, string? text, out int value)
    {
        value = 0;
        if (text is null)
        {
            return false;
        }

        switch (signal)
        {
            case SignalMask.Mode when SignalNames.TryParseMode(text, out var mode):
                value = (int)mode;
                return true;
            case SignalMask.Dir when SignalNames.TryParseDirection(text, out var dir):
                value = (int)dir;
                return true;
            case SignalMask.Door when SignalNames.TryParseDoor(text, out var door):
                value = (int)door;
                return true;
            default:
                return false;
        }
    }

    private static string SignalNames_(SignalMask signal) => signal switch
    {
        SignalMask.Mode => "mode",
        SignalMask.Dir => "dir",
        _ => "door",
    };

    private static string AllowedValues(SignalMask signal) => signal switch
    {
        SignalMask.Mode => "normal, inspection, fire, emergency_power, out_of_service, earthquake, unknown",
        SignalMask.Dir => "up, down, none",
        _ => "open, opening, closing, closed",
    };

    private static bool TryParseTable(string? text, out RegisterTable table)
    {
        switch (text)
        {
            case "coil": table = RegisterTable.Coil; return true;
            case "discrete": table = RegisterTable.DiscreteInput; return true;
            case "input": table = RegisterTable.InputRegister; return true;
            case "holding": table = RegisterTable.HoldingRegister; return true;
            default: table = RegisterTable.HoldingRegister; return false;
        }
    }

    public static string TableName(RegisterTable table) => table switch
    {
        RegisterTable.Coil => "coil",
        RegisterTable.DiscreteInput => "discrete",
        RegisterTable.InputRegister => "input",
        _ => "holding",
    };

    private static bool TryParseType(string? text, out RegisterValueType type)
    {
        switch (text)
        {
            case "bit": type = RegisterValueType.Bit; return true;
            case "u16": type = RegisterValueType.U16; return true;
            case "s16": type = RegisterValueType.S16; return true;
            case "u32": type = RegisterValueType.U32; return true;
            case "s32": type = RegisterValueType.S32; return true;
            case "enum": type = RegisterValueType.Enum; return true;
            default: type = RegisterValueType.U16; return false;
        }
    }
}
