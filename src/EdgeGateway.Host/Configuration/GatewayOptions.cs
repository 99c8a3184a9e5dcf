using EdgeGateway.Core.Lift;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Host.Configuration;

/// <summary>Identity of the box and the lift it watches, and where it keeps its data (section "Gateway").</summary>
public sealed class GatewayOptions
{
    public const string SectionName = "Gateway";

    /// <summary>Identifies this box in every message (serial number or any stable id).</summary>
    public string BoxId { get; set; } = "box-sim-0001";

    /// <summary>Where the outbox, counters, calibration, black-box captures and logs live.</summary>
    public string DataDirectory { get; set; } = "data";

    public LiftOptions Lift { get; set; } = new();

    /// <summary>How often the box records a status telemetry record (floor, door, mode, counters, Modbus health).</summary>
    public double StatusIntervalSeconds { get; set; } = 60;

    /// <summary>
    /// How long a configuration set remotely must run (every source up, samples arriving, no new sensor fault or link
    /// loss) before it is kept; otherwise the previous one is restored. Long enough for link_lost to be detected.
    /// </summary>
    public double RemoteConfigTrialSeconds { get; set; } = 15;

    public LiftProfile ToProfile() => new(Lift.Id, Lift.LowestFloor, Lift.HighestFloor, Lift.RatedSpeedMmS);
}

public sealed class LiftOptions
{
    /// <summary>The 20-digit Chinese registration code, or any site id.</summary>
    public string Id { get; set; } = LiftProfile.Default.LiftId;

    public int LowestFloor { get; set; } = LiftProfile.Default.LowestFloor;

    public int HighestFloor { get; set; } = LiftProfile.Default.HighestFloor;

    public int RatedSpeedMmS { get; set; } = LiftProfile.Default.RatedSpeedMmS;
}

/// <summary>Checks the values only (no I/O: the data directory is created in StartAsync), every failure at once.</summary>
public sealed class GatewayOptionsValidator : IValidateOptions<GatewayOptions>
{
    public ValidateOptionsResult Validate(string? name, GatewayOptions options)
    {
        var failures = new List<string>();
        const string S = GatewayOptions.SectionName;
        if (string.IsNullOrWhiteSpace(options.BoxId))
        {
            failures.Add($"{S}:BoxId: must not be empty (it identifies the box in every message).");
        }
        else if (options.BoxId.Length > 64 || options.BoxId.Any(c => c is '/' or '+' or '#' || char.IsControl(c) || char.IsWhiteSpace(c)))
        {
            failures.Add($"{S}:BoxId: '{options.BoxId}' must be at most 64 characters without '/', '+', '#' or spaces (it is part of MQTT topics).");
        }

        if (string.IsNullOrWhiteSpace(options.DataDirectory))
        {
            failures.Add($"{S}:DataDirectory: must not be empty.");
        }

        var lift = options.Lift;
        if (string.IsNullOrWhiteSpace(lift.Id))
        {
            failures.Add($"{S}:Lift:Id: must not be empty (the registration code or site id identifies the lift in every message).");
        }
        else if (lift.Id.Length > 64 || lift.Id.Any(c => c is '/' or '+' or '#' || char.IsControl(c) || char.IsWhiteSpace(c)))
        {
            failures.Add($"{S}:Lift:Id: '{lift.Id}' must be at most 64 characters without '/', '+', '#' or spaces (it is part of MQTT topics).");
        }

        if (lift.HighestFloor <= lift.LowestFloor)
        {
            failures.Add($"{S}:Lift:HighestFloor: {lift.HighestFloor} must be above LowestFloor {lift.LowestFloor}.");
        }

        if (lift.HighestFloor - lift.LowestFloor > 200)
        {
            failures.Add($"{S}:Lift:HighestFloor: {lift.HighestFloor - lift.LowestFloor + 1} floors is more than the 201 the box supports.");
        }

        if (lift.RatedSpeedMmS is < 100 or > 20_000)
        {
            failures.Add($"{S}:Lift:RatedSpeedMmS: {lift.RatedSpeedMmS} mm/s is outside 100..20000.");
        }

        if (options.StatusIntervalSeconds is < 1 or > 3600 || double.IsNaN(options.StatusIntervalSeconds))
        {
            failures.Add($"{S}:StatusIntervalSeconds: {options.StatusIntervalSeconds} s is outside 1..3600.");
        }

        if (options.RemoteConfigTrialSeconds is < 1 or > 600 || double.IsNaN(options.RemoteConfigTrialSeconds))
        {
            failures.Add($"{S}:RemoteConfigTrialSeconds: {options.RemoteConfigTrialSeconds} s is outside 1..600.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
