using Microsoft.Extensions.Options;

namespace EdgeGateway.Detection.Trips;

/// <summary>
/// Trip recording (configuration section <see cref="SectionName"/>). What "stopped" and "moving" mean, and the
/// re-levelling speed, come from <see cref="DetectionOptions"/> so trips and rules agree.
/// </summary>
public sealed class TripOptions
{
    public const string SectionName = "Detection:Trips";

    /// <summary>Distance per floor, used for a trip's distance when the controller gives no speed.</summary>
    public int FloorHeightMm { get; set; } = 3_000;
}

public sealed class TripOptionsValidator : IValidateOptions<TripOptions>
{
    public ValidateOptionsResult Validate(string? name, TripOptions options)
    {
        if (options.FloorHeightMm is < 1 or > 100_000)
        {
            return ValidateOptionsResult.Fail(
                $"{TripOptions.SectionName}:{nameof(options.FloorHeightMm)} must be between 1 and 100000 mm (was {options.FloorHeightMm}).");
        }

        return ValidateOptionsResult.Success;
    }
}
