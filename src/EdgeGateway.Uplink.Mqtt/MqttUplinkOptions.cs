using Microsoft.Extensions.Options;

namespace EdgeGateway.Uplink.Mqtt;

/// <summary>How payloads are written on the wire: compact protobuf (default) or protobuf's JSON mapping for debugging.</summary>
public enum PayloadFormat
{
    Protobuf,
    Json,
}

/// <summary>MQTT protocol version: 5.0 by default, 3.1.1 for brokers that do not speak 5 (or forced).</summary>
public enum MqttProtocol
{
    /// <summary>Try MQTT 5.0; when the broker refuses it (unsupported protocol version) fall back to 3.1.1.</summary>
    Auto,
    V500,
    V311,
}

/// <summary>Where <see cref="SystemWallClock"/> gets "synchronised" from.</summary>
public enum ClockSyncSource
{
    /// <summary>systemd-timesyncd's flag file, else the kernel's adjtimex state; a year before 2024 is never synchronised.</summary>
    Auto,
    AssumeSynchronized,
    AssumeUnsynchronized,
}

public sealed class MqttTlsOptions
{
    public bool Enabled { get; set; }

    /// <summary>PEM file with the CA that signed the broker's certificate; empty = the system trust store.</summary>
    public string? CaFile { get; set; }

    /// <summary>Client certificate: a PEM certificate (with <see cref="ClientKeyFile"/>) or a PFX/PKCS#12 file.</summary>
    public string? ClientCertFile { get; set; }

    /// <summary>PEM private key for <see cref="ClientCertFile"/>; empty when the certificate file is a PFX.</summary>
    public string? ClientKeyFile { get; set; }

    /// <summary>Password of a PFX client certificate (never logged).</summary>
    public string? ClientCertPassword { get; set; }

    /// <summary>Host name expected in the broker certificate; defaults to <see cref="MqttUplinkOptions.Host"/>.</summary>
    public string? TargetHost { get; set; }
}

/// <summary>The MQTT uplink (section "Mqtt"). Validated by <see cref="MqttUplinkOptionsValidator"/>; nothing connects during validation.</summary>
public sealed class MqttUplinkOptions
{
    public const string SectionName = "Mqtt";

    /// <summary>False: no broker is configured; the service keeps queueing in the outbox and never connects.</summary>
    public bool Enabled { get; set; }

    public string Host { get; set; } = "localhost";

    /// <summary>0 = 1883, or 8883 with TLS.</summary>
    public int Port { get; set; }

    public MqttTlsOptions Tls { get; set; } = new();

    public string? Username { get; set; }

    /// <summary>Never logged.</summary>
    public string? Password { get; set; }

    /// <summary>MQTT client id; empty = "edgegw-{box id}".</summary>
    public string? ClientId { get; set; }

    public MqttProtocol Protocol { get; set; } = MqttProtocol.Auto;

    public TimeSpan KeepAlive { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Connect timeout and PUBACK timeout.</summary>
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>First reconnect delay ceiling; doubles per failure up to <see cref="ReconnectMaxDelay"/>. Full jitter: the delay is uniform in [0, ceiling].</summary>
    public TimeSpan ReconnectInitialDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>First alarm re-publication delay; doubles per attempt up to <see cref="AlarmRepublishMaxDelay"/>.</summary>
    public TimeSpan AlarmRepublishInitialDelay { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan AlarmRepublishMaxDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>At most this many telemetry records per telemetry message.</summary>
    public int TelemetryBatchSize { get; set; } = 20;

    /// <summary>Messages read from the outbox per round.</summary>
    public int DrainBatchSize { get; set; } = 256;

    /// <summary>QoS 1 publications awaiting PUBACK at once (pipelining; MQTT keeps them in order on one connection).</summary>
    public int MaxInFlight { get; set; } = 64;

    public PayloadFormat PayloadFormat { get; set; } = PayloadFormat.Protobuf;

    /// <summary>EN 81-28: a test alarm at least every 3 days. Zero disables it (not compliant; for benches only).</summary>
    public TimeSpan TestAlarmInterval { get; set; } = TimeSpan.FromDays(3);

    /// <summary>Where the uplink keeps its small state (last test alarm time). The host points it at the data directory.</summary>
    public string StateDirectory { get; set; } = "data";

    /// <summary>Base64 shared key for HMAC-SHA256 signatures; when set, set_config must be signed. Never logged.</summary>
    public string? CommandHmacKey { get; set; }

    /// <summary>Commands larger than this are rejected unread.</summary>
    public int MaxCommandBytes { get; set; } = 64 * 1024;

    /// <summary>A signed command whose issued time is further than this from the box's synchronised clock is rejected (replay guard).</summary>
    public TimeSpan CommandMaxClockSkew { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Black-box captures are cut into chunks of this many bytes.</summary>
    public int BlackBoxChunkBytes { get; set; } = 32 * 1024;

    public ClockSyncSource ClockSync { get; set; } = ClockSyncSource.Auto;

    internal int EffectivePort => Port != 0 ? Port : Tls.Enabled ? 8883 : 1883;
}

/// <summary>Checks values only (no file or network access), reporting every failure at once with its key path.</summary>
public sealed class MqttUplinkOptionsValidator : IValidateOptions<MqttUplinkOptions>
{
    public ValidateOptionsResult Validate(string? name, MqttUplinkOptions options)
    {
        var failures = new List<string>();
        const string S = MqttUplinkOptions.SectionName;
        if (options.Enabled && string.IsNullOrWhiteSpace(options.Host))
        {
            failures.Add($"{S}:Host: must not be empty when Mqtt:Enabled is true.");
        }

        if (options.Port is < 0 or > 65535)
        {
            failures.Add($"{S}:Port: {options.Port} is outside 0..65535 (0 = 1883, or 8883 with TLS).");
        }

        if (options.Tls.Enabled)
        {
            var hasCert = !string.IsNullOrWhiteSpace(options.Tls.ClientCertFile);
            var hasKey = !string.IsNullOrWhiteSpace(options.Tls.ClientKeyFile);
            if (hasKey && !hasCert)
            {
                failures.Add($"{S}:Tls:ClientKeyFile: is set but Tls:ClientCertFile is not.");
            }

            if (hasCert && !hasKey && !IsPfx(options.Tls.ClientCertFile!))
            {
                failures.Add($"{S}:Tls:ClientCertFile: '{options.Tls.ClientCertFile}' is not a .pfx/.p12 file, so Tls:ClientKeyFile must name its PEM key.");
            }
        }
        else if (!string.IsNullOrWhiteSpace(options.Tls.ClientCertFile) || !string.IsNullOrWhiteSpace(options.Tls.CaFile))
        {
            failures.Add($"{S}:Tls:Enabled: certificate files are configured but TLS is off; set Tls:Enabled to true (credentials must not travel in clear).");
        }

        if (!string.IsNullOrEmpty(options.Password) && string.IsNullOrEmpty(options.Username))
        {
            failures.Add($"{S}:Username: must be set when Mqtt:Password is set.");
        }

        if (options.ClientId is { Length: > 0 } id && (id.Length > 64 || id.Any(c => char.IsControl(c) || char.IsWhiteSpace(c))))
        {
            failures.Add($"{S}:ClientId: '{id}' must be at most 64 characters without spaces or control characters.");
        }

        CheckRange(failures, $"{S}:KeepAlive", options.KeepAlive, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(65535));
        CheckRange(failures, $"{S}:OperationTimeout", options.OperationTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5));
        CheckRange(failures, $"{S}:ReconnectInitialDelay", options.ReconnectInitialDelay, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(10));
        CheckRange(failures, $"{S}:ReconnectMaxDelay", options.ReconnectMaxDelay, options.ReconnectInitialDelay, TimeSpan.FromHours(1));
        CheckRange(failures, $"{S}:AlarmRepublishInitialDelay", options.AlarmRepublishInitialDelay, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(10));
        CheckRange(failures, $"{S}:AlarmRepublishMaxDelay", options.AlarmRepublishMaxDelay, options.AlarmRepublishInitialDelay, TimeSpan.FromHours(1));
        if (options.TestAlarmInterval < TimeSpan.Zero || options.TestAlarmInterval > TimeSpan.FromDays(3))
        {
            failures.Add($"{S}:TestAlarmInterval: {options.TestAlarmInterval} must be between 0 (off) and 3 days (EN 81-28: at least every 3 days).");
        }

        CheckRange(failures, $"{S}:CommandMaxClockSkew", options.CommandMaxClockSkew, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1));
        CheckInt(failures, $"{S}:TelemetryBatchSize", options.TelemetryBatchSize, 1, 1000);
        CheckInt(failures, $"{S}:DrainBatchSize", options.DrainBatchSize, 1, 10_000);
        CheckInt(failures, $"{S}:MaxInFlight", options.MaxInFlight, 1, 65_535);
        CheckInt(failures, $"{S}:MaxCommandBytes", options.MaxCommandBytes, 256, 16 * 1024 * 1024);
        CheckInt(failures, $"{S}:BlackBoxChunkBytes", options.BlackBoxChunkBytes, 1024, 1024 * 1024);
        if (!Enum.IsDefined(options.PayloadFormat))
        {
            failures.Add($"{S}:PayloadFormat: must be Protobuf or Json.");
        }

        if (!Enum.IsDefined(options.Protocol))
        {
            failures.Add($"{S}:Protocol: must be Auto, V500 or V311.");
        }

        if (string.IsNullOrWhiteSpace(options.StateDirectory))
        {
            failures.Add($"{S}:StateDirectory: must not be empty (the last test-alarm time is kept there).");
        }

        if (options.CommandHmacKey is { Length: > 0 } key)
        {
            // The key itself is never echoed: only its problem.
            var buffer = new byte[key.Length];
            if (!Convert.TryFromBase64String(key, buffer, out var length))
            {
                failures.Add($"{S}:CommandHmacKey: is not valid base64.");
            }
            else if (length < 16)
            {
                failures.Add($"{S}:CommandHmacKey: decodes to {length} bytes; use at least 16 (32 recommended).");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsPfx(string path) =>
        path.EndsWith(".pfx", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".p12", StringComparison.OrdinalIgnoreCase);

    private static void CheckRange(List<string> failures, string key, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        if (value < min || value > max)
        {
            failures.Add($"{key}: {value} is outside {min}..{max}.");
        }
    }

    private static void CheckInt(List<string> failures, string key, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            failures.Add($"{key}: {value} is outside {min}..{max}.");
        }
    }
}
