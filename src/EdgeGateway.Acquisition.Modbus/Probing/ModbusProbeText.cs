using System.Globalization;
using System.IO.Ports;
using EdgeGateway.Acquisition.Modbus.Transport;

namespace EdgeGateway.Acquisition.Modbus.Probing;

/// <summary>Parsing of probe arguments and the plain-text report (for logs, pipes and systemd journals).</summary>
public static class ModbusProbeText
{
    /// <summary>Parses "1-247", "1,2,5-10" or "17" into an inclusive id range (the lowest and highest given).</summary>
    public static bool TryParseIdRange(string? text, int max, out int first, out int last, out string? error)
    {
        first = 1;
        last = max;
        error = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        var parts = text.Split('-', 2, StringSplitOptions.TrimEntries);
        if (!int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out first)
            || (parts.Length == 2 && !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out last)))
        {
            error = $"'{text}' is not a slave id or a range like 1-247.";
            return false;
        }

        if (parts.Length == 1)
        {
            last = first;
        }

        if (first < 0 || last > max || first > last)
        {
            error = $"'{text}' must lie within 0..{max} with the lower id first.";
            return false;
        }

        return true;
    }

    /// <summary>Parses "9600,19200" into baud rates.</summary>
    public static bool TryParseBaudRates(string? text, out IReadOnlyList<int> rates, out string? error)
    {
        rates = new ModbusProbeOptions().BaudRates;
        error = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        var list = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var rate) || rate is < 300 or > 921_600)
            {
                error = $"'{part}' is not a baud rate (300..921600).";
                return false;
            }

            list.Add(rate);
        }

        rates = list;
        return list.Count > 0 || (error = "no baud rate given.") is null;
    }

    /// <summary>Parses "none,even" into parities.</summary>
    public static bool TryParseParities(string? text, out IReadOnlyList<Parity> parities, out string? error)
    {
        parities = new ModbusProbeOptions().Parities;
        error = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        var list = new List<Parity>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!SerialSettings.TryParseParity(part, out var parity))
            {
                error = $"'{part}' is not a parity (none, even, odd).";
                return false;
            }

            list.Add(parity);
        }

        parities = list;
        return list.Count > 0 || (error = "no parity given.") is null;
    }

    public static void Write(ModbusProbeReport report, TextWriter output)
    {
        output.WriteLine($"Probed {report.Target}: {report.Attempts} attempts in {report.Elapsed.TotalSeconds:0.0} s.");
        if (report.Hits.Count == 0)
        {
            output.WriteLine("Nothing answered.");
        }

        foreach (var hit in report.Hits)
        {
            var sample = hit.SampleResult.IsOk
                ? $"{hit.SampleTable} registers from 0: {string.Join(' ', hit.Sample)}"
                : $"sample read: {hit.SampleResult}";
            var answer = hit.Answer.IsOk ? "answers" : $"answers with {hit.Answer}";
            output.WriteLine($"  slave {hit.SlaveId} at {hit.Settings} {answer}; {sample}");
        }

        foreach (var note in report.Notes)
        {
            output.WriteLine($"  note: {note}");
        }
    }
}
