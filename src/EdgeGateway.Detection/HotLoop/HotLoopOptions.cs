using Microsoft.Extensions.Options;

namespace EdgeGateway.Detection.HotLoop;

/// <summary>Sizing of the live hot loop (configuration section <see cref="SectionName"/>).</summary>
public sealed class HotLoopOptions
{
    public const string SectionName = "Detection:HotLoop";

    /// <summary>Input queue slots (rounded up to a power of two). At 1.6 kHz acceleration this is ~2.5 s of slack.</summary>
    public int QueueCapacity { get; set; } = 4096;

    /// <summary>Seconds of samples the black-box ring keeps (issue 5: 60 s by default).</summary>
    public double HistorySeconds { get; set; } = 60;

    /// <summary>Expected sample rate (accelerometer plus controller and input changes) used to size the ring.</summary>
    public int HistorySamplesPerSecond { get; set; } = 400;

    /// <summary>How often time is advanced without samples (the stages' heartbeat; holds wake the loop on their own).</summary>
    public int AdvanceIntervalMilliseconds { get; set; } = 10;

    /// <summary>Events kept for the console's "recent events".</summary>
    public int RecentEventCount { get; set; } = 20;
}

/// <summary>Reports every bad <see cref="HotLoopOptions"/> key at once.</summary>
public sealed class HotLoopOptionsValidator : IValidateOptions<HotLoopOptions>
{
    public ValidateOptionsResult Validate(string? name, HotLoopOptions options)
    {
        var failures = new List<string>();
        var p = HotLoopOptions.SectionName;
        if (options.QueueCapacity is < 16 or > (1 << 24))
        {
            failures.Add($"{p}:{nameof(options.QueueCapacity)} must be between 16 and {1 << 24} (got {options.QueueCapacity}).");
        }

        if (!double.IsFinite(options.HistorySeconds) || options.HistorySeconds < 1 || options.HistorySeconds > 3600)
        {
            failures.Add($"{p}:{nameof(options.HistorySeconds)} must be between 1 and 3600 (got {options.HistorySeconds}).");
        }

        if (options.HistorySamplesPerSecond is < 1 or > 20_000)
        {
            failures.Add($"{p}:{nameof(options.HistorySamplesPerSecond)} must be between 1 and 20000 (got {options.HistorySamplesPerSecond}).");
        }

        if (options.AdvanceIntervalMilliseconds is < 1 or > 1000)
        {
            failures.Add($"{p}:{nameof(options.AdvanceIntervalMilliseconds)} must be between 1 and 1000 (got {options.AdvanceIntervalMilliseconds}).");
        }

        if (options.RecentEventCount is < 1 or > 1000)
        {
            failures.Add($"{p}:{nameof(options.RecentEventCount)} must be between 1 and 1000 (got {options.RecentEventCount}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
