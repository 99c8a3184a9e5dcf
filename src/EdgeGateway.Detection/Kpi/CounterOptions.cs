using Microsoft.Extensions.Options;

namespace EdgeGateway.Detection.Kpi;

/// <summary>Counter persistence (configuration section <see cref="SectionName"/>).</summary>
public sealed class CounterOptions
{
    public const string SectionName = "Detection:Counters";

    /// <summary>
    /// How often changed counters are saved. Saving is periodic, not per trip, to spare the eMMC/SD card; at most this
    /// much counting is lost on a power cut (the service saves once more when it stops).
    /// </summary>
    public double SaveIntervalSeconds { get; set; } = 60;

    /// <summary>File name inside the data directory.</summary>
    public string FileName { get; set; } = CounterStore.DefaultFileName;
}

public sealed class CounterOptionsValidator : IValidateOptions<CounterOptions>
{
    public ValidateOptionsResult Validate(string? name, CounterOptions options)
    {
        var failures = new List<string>();
        if (!(options.SaveIntervalSeconds >= 1 && options.SaveIntervalSeconds <= 86_400))
        {
            failures.Add($"{CounterOptions.SectionName}:{nameof(options.SaveIntervalSeconds)} must be between 1 and 86400 (was {options.SaveIntervalSeconds}).");
        }

        if (string.IsNullOrWhiteSpace(options.FileName) || options.FileName.IndexOfAny(['/', '\\']) >= 0)
        {
            failures.Add($"{CounterOptions.SectionName}:{nameof(options.FileName)} must be a plain file name (was '{options.FileName}').");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
