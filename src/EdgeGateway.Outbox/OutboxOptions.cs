using Microsoft.Extensions.Options;

namespace EdgeGateway.Outbox;

/// <summary>Where and how the outbox keeps accepted messages (configuration section "Outbox").</summary>
public sealed class OutboxOptions
{
    public const string SectionName = "Outbox";

    /// <summary>The store's own directory (segment files, lock file, quarantine folder). Created on open.</summary>
    public string DataDirectory { get; set; } = "data/outbox";

    /// <summary>
    /// Cap on the bytes of pending records (header + payload). Default 256 MB. When an append would exceed it, telemetry is
    /// evicted oldest first, then events; alarms never. Disk use stays within the cap plus one segment of slack.
    /// </summary>
    public long MaxBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Size at which the active segment file is sealed and a new one started. Default 16 MB.</summary>
    public int SegmentBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>Telemetry older than this is dropped and counted; null keeps it until evicted. Default 7 days.</summary>
    public TimeSpan? TelemetryTimeToLive { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Events older than this are dropped and counted; null keeps them until evicted. Default 30 days.</summary>
    public TimeSpan? EventTimeToLive { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Alarms are never dropped by default (EN 81-28: sent until acknowledged); set only for test benches.</summary>
    public TimeSpan? AlarmTimeToLive { get; set; }

    /// <summary>
    /// How long the writer lingers after the first append of a batch to gather more before it fsyncs. Zero (default) fsyncs
    /// as soon as the previous fsync finished: appends that arrive during an fsync share the next one anyway.
    /// </summary>
    public TimeSpan CommitInterval { get; set; } = TimeSpan.Zero;

    /// <summary>Most bytes one group commit writes; appenders wait (back-pressure) while this much is queued. Default 4 MB.</summary>
    public int MaxBatchBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Largest payload accepted by one append. Default 1 MB; at most a quarter of <see cref="SegmentBytes"/>.</summary>
    public int MaxPayloadBytes { get; set; } = 1024 * 1024;
}

/// <summary>Checks the values only (no I/O: the directory is created in OpenAsync) and reports every failure at once.</summary>
public sealed class OutboxOptionsValidator : IValidateOptions<OutboxOptions>
{
    private const long MinSegmentBytes = 64 * 1024;
    private const long MaxSegmentBytes = 1024L * 1024 * 1024;

    public ValidateOptionsResult Validate(string? name, OutboxOptions options)
    {
        var failures = new List<string>();
        const string S = OutboxOptions.SectionName;
        if (string.IsNullOrWhiteSpace(options.DataDirectory))
        {
            failures.Add($"{S}:DataDirectory: must not be empty.");
        }
        else if (options.DataDirectory.IndexOfAny(Path.GetInvalidPathChars()) >= 0)
        {
            failures.Add($"{S}:DataDirectory: '{options.DataDirectory}' contains characters that are not valid in a path.");
        }

        if (options.SegmentBytes < MinSegmentBytes || options.SegmentBytes > MaxSegmentBytes)
        {
            failures.Add($"{S}:SegmentBytes: {options.SegmentBytes} is outside {MinSegmentBytes}..{MaxSegmentBytes}.");
        }

        // Four segments at least: one active, one being compacted, and room to rotate pinned alarms forward.
        if (options.MaxBytes < 4L * options.SegmentBytes)
        {
            failures.Add($"{S}:MaxBytes: {options.MaxBytes} must be at least 4 x SegmentBytes ({4L * options.SegmentBytes}).");
        }

        CheckTimeToLive(failures, $"{S}:TelemetryTimeToLive", options.TelemetryTimeToLive);
        CheckTimeToLive(failures, $"{S}:EventTimeToLive", options.EventTimeToLive);
        CheckTimeToLive(failures, $"{S}:AlarmTimeToLive", options.AlarmTimeToLive);

        if (options.CommitInterval < TimeSpan.Zero || options.CommitInterval > TimeSpan.FromSeconds(1))
        {
            failures.Add($"{S}:CommitInterval: {options.CommitInterval} is outside 00:00:00..00:00:01 (alarms must not wait longer).");
        }

        if (options.MaxPayloadBytes < 1 || options.MaxPayloadBytes > options.SegmentBytes / 4)
        {
            failures.Add($"{S}:MaxPayloadBytes: {options.MaxPayloadBytes} is outside 1..{options.SegmentBytes / 4} (a quarter of SegmentBytes).");
        }

        if (options.MaxBatchBytes < 64 * 1024 || options.MaxBatchBytes > options.SegmentBytes)
        {
            failures.Add($"{S}:MaxBatchBytes: {options.MaxBatchBytes} is outside 65536..{options.SegmentBytes} (SegmentBytes).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void CheckTimeToLive(List<string> failures, string key, TimeSpan? value)
    {
        if (value is { } ttl && ttl <= TimeSpan.Zero)
        {
            failures.Add($"{key}: {ttl} must be positive (leave it empty to keep messages until evicted).");
        }
    }
}
