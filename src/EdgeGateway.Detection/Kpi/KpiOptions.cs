using Microsoft.Extensions.Options;

namespace EdgeGateway.Detection.Kpi;

/// <summary>Maintenance KPIs (configuration section <see cref="SectionName"/>).</summary>
public sealed class KpiOptions
{
    public const string SectionName = "Detection:Kpi";

    /// <summary>Rolling window of the KPIs; the regulators' targets are defined over 6 months (domain brief).</summary>
    public int WindowDays { get; set; } = 180;

    /// <summary>Offset of the lift's local day from UTC (e.g. 480 for China), so a "day" is the site's day.</summary>
    public int DayOffsetMinutes { get; set; }

    /// <summary>How often a changed history is saved (and the day boundary checked for the daily summary).</summary>
    public double SaveIntervalSeconds { get; set; } = 60;

    /// <summary>Completed episodes kept per kind; the oldest go first (besides those that left the window).</summary>
    public int MaxEpisodes { get; set; } = 2_000;

    /// <summary>File name inside the data directory.</summary>
    public string FileName { get; set; } = KpiHistoryStore.DefaultFileName;
}

public sealed class KpiOptionsValidator : IValidateOptions<KpiOptions>
{
    public ValidateOptionsResult Validate(string? name, KpiOptions options)
    {
        const string P = KpiOptions.SectionName + ":";
        var failures = new List<string>();
        if (options.WindowDays is < 1 or > 3_660)
        {
            failures.Add($"{P}{nameof(options.WindowDays)} must be between 1 and 3660 (was {options.WindowDays}).");
        }

        if (options.DayOffsetMinutes is < -14 * 60 or > 14 * 60)
        {
            failures.Add($"{P}{nameof(options.DayOffsetMinutes)} must be between -840 and 840 (was {options.DayOffsetMinutes}).");
        }

        if (!(options.SaveIntervalSeconds >= 1 && options.SaveIntervalSeconds <= 86_400))
        {
            failures.Add($"{P}{nameof(options.SaveIntervalSeconds)} must be between 1 and 86400 (was {options.SaveIntervalSeconds}).");
        }

        if (options.MaxEpisodes is < 1 or > 1_000_000)
        {
            failures.Add($"{P}{nameof(options.MaxEpisodes)} must be between 1 and 1000000 (was {options.MaxEpisodes}).");
        }

        if (string.IsNullOrWhiteSpace(options.FileName) || options.FileName.IndexOfAny(['/', '\\']) >= 0)
        {
            failures.Add($"{P}{nameof(options.FileName)} must be a plain file name (was '{options.FileName}').");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
