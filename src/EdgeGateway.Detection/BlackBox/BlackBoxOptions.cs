using Microsoft.Extensions.Options;

namespace EdgeGateway.Detection.BlackBox;

/// <summary>Black-box captures around grade 1–2 events (configuration section <see cref="SectionName"/>).</summary>
public sealed class BlackBoxOptions
{
    public const string SectionName = "Detection:BlackBox";

    public bool Enabled { get; set; } = true;

    /// <summary>Recorded before the event (issue 5: 30 s). Limited by what the hot loop's history holds (60 s by default).</summary>
    public double PreEventSeconds { get; set; } = 30;

    /// <summary>Recorded after the event (issue 5: 30 s).</summary>
    public double PostEventSeconds { get; set; } = 30;

    /// <summary>
    /// Longest single capture, counted from <see cref="PreEventSeconds"/> before its first event (the file itself starts
    /// at the keyframe before that, up to about a second earlier). Events inside a running capture extend it rather than
    /// starting another one (an incident raises several events); past this length the capture is closed and a later
    /// event starts a new one where it ended.
    /// </summary>
    public double MaxCaptureSeconds { get; set; } = 180;

    /// <summary>Captures being recorded or waiting to be written; further incidents are dropped (and logged) until one is written.</summary>
    public int MaxPendingCaptures { get; set; } = 4;

    /// <summary>Capture files kept in the directory; the oldest are deleted (and logged) beyond this.</summary>
    public int MaxFiles { get; set; } = 50;

    /// <summary>Total size of capture files kept; the oldest are deleted (and logged) beyond this.</summary>
    public long MaxTotalBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>accel_hz written in the header; 0 derives it from the accelerometer samples in the capture.</summary>
    public int AccelerometerHz { get; set; }

    /// <summary>Folder inside the data directory.</summary>
    public string DirectoryName { get; set; } = "blackbox";
}

public sealed class BlackBoxOptionsValidator : IValidateOptions<BlackBoxOptions>
{
    public ValidateOptionsResult Validate(string? name, BlackBoxOptions options)
    {
        const string P = BlackBoxOptions.SectionName + ":";
        var failures = new List<string>();
        if (!(options.PreEventSeconds >= 0 && options.PreEventSeconds <= 600))
        {
            failures.Add($"{P}{nameof(options.PreEventSeconds)} must be between 0 and 600 (was {options.PreEventSeconds}).");
        }

        if (!(options.PostEventSeconds >= 0 && options.PostEventSeconds <= 600))
        {
            failures.Add($"{P}{nameof(options.PostEventSeconds)} must be between 0 and 600 (was {options.PostEventSeconds}).");
        }

        if (!(options.MaxCaptureSeconds >= options.PreEventSeconds + options.PostEventSeconds && options.MaxCaptureSeconds <= 3600))
        {
            failures.Add($"{P}{nameof(options.MaxCaptureSeconds)} must be at least {P}{nameof(options.PreEventSeconds)} + {P}{nameof(options.PostEventSeconds)} and at most 3600 (was {options.MaxCaptureSeconds}).");
        }

        if (options.MaxPendingCaptures is < 1 or > 64)
        {
            failures.Add($"{P}{nameof(options.MaxPendingCaptures)} must be between 1 and 64 (was {options.MaxPendingCaptures}).");
        }

        if (options.MaxFiles < 1)
        {
            failures.Add($"{P}{nameof(options.MaxFiles)} must be at least 1 (was {options.MaxFiles}).");
        }

        if (options.MaxTotalBytes < 64 * 1024)
        {
            failures.Add($"{P}{nameof(options.MaxTotalBytes)} must be at least 65536 (was {options.MaxTotalBytes}).");
        }

        if (options.AccelerometerHz is < 0 or > 10_000)
        {
            failures.Add($"{P}{nameof(options.AccelerometerHz)} must be between 0 (derive) and 10000 (was {options.AccelerometerHz}).");
        }

        if (string.IsNullOrWhiteSpace(options.DirectoryName) || options.DirectoryName.IndexOfAny(['/', '\\']) >= 0 || options.DirectoryName is "." or "..")
        {
            failures.Add($"{P}{nameof(options.DirectoryName)} must be a plain folder name (was '{options.DirectoryName}').");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
