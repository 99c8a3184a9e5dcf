using Microsoft.Extensions.Options;

namespace EdgeGateway.Acquisition.Sensors.Gpio;

/// <summary>How a line is biased when nothing drives it (libgpiod line bias).</summary>
public enum GpioBias
{
    None,
    PullUp,
    PullDown,
}

/// <summary>
/// Configuration section "Gpio". Example:
/// <code>
/// "Gpio": { "DebounceMs": 20, "Inputs": {
///   "zone":  { "Chip": 0, "Line": 17 },
///   "alarm": { "Chip": 0, "Line": 27, "ActiveLow": true, "Bias": "PullUp", "DebounceMs": 30 } } }
/// </code>
/// Inputs are keyed by signal name (zone, door, occupied, alarm, mains); an input that is not configured is not wired.
/// </summary>
public sealed class GpioOptions
{
    public const string SectionName = "Gpio";

    /// <summary>Contacts bounce for a few milliseconds; 20 ms is the usual debounce for mechanical buttons and relays.</summary>
    public const int DefaultDebounceMs = 20;

    /// <summary>Debounce for inputs that do not set their own.</summary>
    public int DebounceMs { get; set; } = DefaultDebounceMs;

    /// <summary>How often settled edges are committed; the edge timestamp is the first raw edge, so this only adds latency.</summary>
    public int PollIntervalMs { get; set; } = 5;

    /// <summary>How often line levels are read back, to catch an edge event the kernel dropped.</summary>
    public int ResyncIntervalMs { get; set; } = 1000;

    public Dictionary<string, GpioInputOptions> Inputs { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}

public sealed class GpioInputOptions
{
    /// <summary>GPIO chip number (/dev/gpiochipN).</summary>
    public int Chip { get; set; }

    /// <summary>Line offset on the chip; required.</summary>
    public int Line { get; set; } = -1;

    /// <summary>True when the input reads low while active (e.g. a contact to ground with a pull-up).</summary>
    public bool ActiveLow { get; set; }

    /// <summary>Overrides <see cref="GpioOptions.DebounceMs"/> for this input.</summary>
    public int? DebounceMs { get; set; }

    public GpioBias Bias { get; set; } = GpioBias.None;
}

/// <summary>Reports every problem of <see cref="GpioOptions"/> at once, each with its configuration key. No I/O.</summary>
public sealed class GpioOptionsValidator : IValidateOptions<GpioOptions>
{
    /// <summary>Above a second a "debounce" would swallow real alarm presses.</summary>
    public const int MaxDebounceMs = 1000;

    public ValidateOptionsResult Validate(string? name, GpioOptions options)
    {
        var errors = new List<string>();
        const string Section = GpioOptions.SectionName;
        if (options.DebounceMs is < 0 or > MaxDebounceMs)
        {
            errors.Add($"{Section}:DebounceMs: {options.DebounceMs} is out of range 0..{MaxDebounceMs} ms.");
        }

        if (options.PollIntervalMs is < 1 or > 100)
        {
            errors.Add($"{Section}:PollIntervalMs: {options.PollIntervalMs} is out of range 1..100 ms.");
        }

        if (options.ResyncIntervalMs is < 10 or > 60_000)
        {
            errors.Add($"{Section}:ResyncIntervalMs: {options.ResyncIntervalMs} is out of range 10..60000 ms.");
        }

        var usedBy = new Dictionary<(int Chip, int Line), string>();
        foreach (var (key, input) in options.Inputs)
        {
            var path = $"{Section}:Inputs:{key}";
            if (!GpioSignals.TryParse(key, out _))
            {
                errors.Add($"{path}: unknown signal '{key}'; the GPIO inputs are {GpioSignals.KnownNames}.");
            }

            if (input is null)
            {
                errors.Add($"{path}: the input has no settings; it needs at least a Line.");
                continue;
            }

            if (input.Chip < 0)
            {
                errors.Add($"{path}:Chip: {input.Chip} is not a GPIO chip number (0 or more).");
            }

            if (input.Line < 0)
            {
                errors.Add($"{path}:Line: missing or negative ({input.Line}); give the line offset on the chip.");
            }
            else if (input.Chip >= 0)
            {
                if (usedBy.TryGetValue((input.Chip, input.Line), out var other))
                {
                    errors.Add($"{path}:Line: chip {input.Chip} line {input.Line} is already used by {other}.");
                }
                else
                {
                    usedBy.Add((input.Chip, input.Line), path);
                }
            }

            if (input.DebounceMs is < 0 or > MaxDebounceMs)
            {
                errors.Add($"{path}:DebounceMs: {input.DebounceMs} is out of range 0..{MaxDebounceMs} ms.");
            }

            if (!Enum.IsDefined(input.Bias))
            {
                errors.Add($"{path}:Bias: '{input.Bias}' is not one of None, PullUp, PullDown.");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
