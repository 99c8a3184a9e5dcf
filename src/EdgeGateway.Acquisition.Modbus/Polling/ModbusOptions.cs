using System.Globalization;
using EdgeGateway.Acquisition.Modbus.Master;
using EdgeGateway.Acquisition.Modbus.Transport;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Acquisition.Modbus.Polling;

/// <summary>
/// Configuration section "Modbus": how to reach the lift controller and which register map to read. Example:
/// <code>
/// "Modbus": { "Transport": "rtu", "Port": "/dev/ttyUSB0", "BaudRate": 19200, "Parity": "even", "SlaveId": 1,
///             "MapFile": "hardware/register-maps/generic.json" }
/// "Modbus": { "Transport": "tcp", "Endpoint": "192.168.1.20:502", "SlaveId": 1, "MapFile": "..." }
/// </code>
/// </summary>
public sealed class ModbusOptions
{
    public const string SectionName = "Modbus";

    /// <summary>"rtu" (serial line, RS-485) or "tcp".</summary>
    public string Transport { get; set; } = "rtu";

    /// <summary>RTU: the serial device, e.g. /dev/ttyUSB0 or /dev/ttyAMA0.</summary>
    public string Port { get; set; } = "/dev/ttyUSB0";

    public int BaudRate { get; set; } = 19200;

    /// <summary>"none", "even" or "odd". The serial line spec's default is even (§2.5.1); many lift controllers use none.</summary>
    public string Parity { get; set; } = "even";

    /// <summary>1 or 2.</summary>
    public int StopBits { get; set; } = 1;

    /// <summary>TCP: "host:port", e.g. "192.168.1.20:502" or "[fe80::1]:502".</summary>
    public string? Endpoint { get; set; }

    /// <summary>The controller's slave address: 1..247 on a serial line (§2.2), 0..255 unit id on TCP.</summary>
    public int SlaveId { get; set; } = 1;

    /// <summary>Register map file; relative paths are tried against the working directory, then the program's directory.</summary>
    public string MapFile { get; set; } = "hardware/register-maps/generic.json";

    /// <summary>Poll period of map entries that do not set their own.</summary>
    public int PollIntervalMs { get; set; } = 100;

    public int ResponseTimeoutMs { get; set; } = 250;

    /// <summary>Extra attempts after a timeout or a damaged response.</summary>
    public int Retries { get; set; } = 1;

    /// <summary>Bus silence after a response before the next request, on top of t3.5.</summary>
    public int TurnaroundDelayMs { get; set; }

    /// <summary>Drop the local echo of a half-duplex RS-485 adapter that returns what it sends.</summary>
    public bool SuppressLocalEcho { get; set; }

    /// <summary>Consecutive failed polls before <c>link</c> goes false (detection raises link_lost after it stays false 3 s).</summary>
    public int LinkLossAfterFailures { get; set; } = 3;

    /// <summary>First wait before reopening a port that failed; doubles up to <see cref="ReopenMaxMs"/>.</summary>
    public int ReopenMinMs { get; set; } = 500;

    public int ReopenMaxMs { get; set; } = 10_000;

    /// <summary>How often the slave's health counters are logged; 0 turns it off.</summary>
    public int HealthLogIntervalSeconds { get; set; } = 300;

    public bool IsTcp => string.Equals(Transport, "tcp", StringComparison.OrdinalIgnoreCase);

    public ModbusMasterOptions ToMasterOptions() => new()
    {
        ResponseTimeout = TimeSpan.FromMilliseconds(ResponseTimeoutMs),
        Retries = Retries,
        TurnaroundDelay = TimeSpan.FromMilliseconds(TurnaroundDelayMs),
        SuppressLocalEcho = SuppressLocalEcho,
    };

    public SerialSettings ToSerialSettings()
    {
        if (!SerialSettings.TryParseParity(Parity, out var parity))
        {
            throw new InvalidOperationException($"Modbus:Parity '{Parity}' is not none, even or odd.");
        }

        return new SerialSettings(Port, BaudRate, parity, StopBits == 2 ? System.IO.Ports.StopBits.Two : System.IO.Ports.StopBits.One);
    }
}

/// <summary>Parses "host:port" with IPv6 literals in brackets.</summary>
public static class ModbusEndpoint
{
    /// <summary>The IANA-registered Modbus TCP port (Modbus Messaging on TCP/IP §4.1: 502).</summary>
    public const int DefaultPort = 502;

    public static bool TryParse(string? text, out string host, out int port)
    {
        host = "";
        port = DefaultPort;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        text = text.Trim();
        string portText;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                return false;
            }

            host = text[1..close];
            portText = text[(close + 1)..].TrimStart(':');
        }
        else
        {
            var colon = text.LastIndexOf(':');
            host = colon < 0 ? text : text[..colon];
            portText = colon < 0 ? "" : text[(colon + 1)..];
        }

        if (host.Length == 0)
        {
            return false;
        }

        return portText.Length == 0 || (int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port is > 0 and <= 65535);
    }
}

/// <summary>Reports every problem of <see cref="ModbusOptions"/> at once, each with its configuration key. No I/O.</summary>
public sealed class ModbusOptionsValidator : IValidateOptions<ModbusOptions>
{
    public ValidateOptionsResult Validate(string? name, ModbusOptions options)
    {
        var errors = new List<string>();
        const string S = ModbusOptions.SectionName;
        var transport = options.Transport?.Trim().ToLowerInvariant();
        if (transport is not ("rtu" or "tcp"))
        {
            errors.Add($"{S}:Transport: '{options.Transport}' is not rtu or tcp.");
        }

        if (transport == "rtu")
        {
            if (string.IsNullOrWhiteSpace(options.Port))
            {
                errors.Add($"{S}:Port: missing; give the serial device, e.g. /dev/ttyUSB0.");
            }

            if (options.BaudRate is < 300 or > 921_600)
            {
                errors.Add($"{S}:BaudRate: {options.BaudRate} is out of range 300..921600.");
            }

            if (!SerialSettings.TryParseParity(options.Parity, out _))
            {
                errors.Add($"{S}:Parity: '{options.Parity}' is not none, even or odd.");
            }

            if (options.StopBits is not (1 or 2))
            {
                errors.Add($"{S}:StopBits: {options.StopBits} is not 1 or 2.");
            }

            if (options.SlaveId is < 1 or > 247)
            {
                errors.Add($"{S}:SlaveId: {options.SlaveId} is out of range 1..247 (serial line spec §2.2; 0 is broadcast).");
            }
        }
        else if (transport == "tcp")
        {
            if (!ModbusEndpoint.TryParse(options.Endpoint, out _, out _))
            {
                errors.Add($"{S}:Endpoint: '{options.Endpoint}' is not host:port (e.g. 192.168.1.20:502).");
            }

            if (options.SlaveId is < 0 or > 255)
            {
                errors.Add($"{S}:SlaveId: {options.SlaveId} is out of range 0..255 (Modbus TCP unit id).");
            }
        }

        if (string.IsNullOrWhiteSpace(options.MapFile))
        {
            errors.Add($"{S}:MapFile: missing; give a register map, e.g. hardware/register-maps/generic.json.");
        }

        Range(errors, "PollIntervalMs", options.PollIntervalMs, 10, 60_000);
        Range(errors, "ResponseTimeoutMs", options.ResponseTimeoutMs, 10, 10_000);
        Range(errors, "Retries", options.Retries, 0, 10);
        Range(errors, "TurnaroundDelayMs", options.TurnaroundDelayMs, 0, 1000);
        Range(errors, "LinkLossAfterFailures", options.LinkLossAfterFailures, 1, 100);
        Range(errors, "ReopenMinMs", options.ReopenMinMs, 10, 60_000);
        Range(errors, "ReopenMaxMs", options.ReopenMaxMs, 10, 600_000);
        Range(errors, "HealthLogIntervalSeconds", options.HealthLogIntervalSeconds, 0, 86_400);
        if (options.ReopenMaxMs < options.ReopenMinMs)
        {
            errors.Add($"{S}:ReopenMaxMs: {options.ReopenMaxMs} is below ReopenMinMs ({options.ReopenMinMs}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Range(List<string> errors, string key, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            errors.Add($"{ModbusOptions.SectionName}:{key}: {value} is out of range {min}..{max}.");
        }
    }
}
