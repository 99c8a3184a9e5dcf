using EdgeGateway.Core.Lift;
using EdgeGateway.Core.Signals;
using EdgeGateway.Simulation.Faults;
using EdgeGateway.Simulation.Lift;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Simulation.Tests;

public class SimulationOptionsValidatorTests
{
    [Fact]
    public void Defaults_are_valid()
    {
        var result = new SimulationOptionsValidator().Validate(null, new SimulationOptions());
        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void Reports_every_error_at_once_with_its_key()
    {
        var options = new SimulationOptions
        {
            LowestFloor = 5,
            HighestFloor = 5,
            FloorHeightMm = 100,
            AccelerometerHz = 5,
            StepMillis = 7,
            ControllerTickMillis = 100,
            TrafficCallsPerHour = -1,
            Faults =
            [
                new() { Fault = "x", AtSeconds = 3 },
                new() { Fault = "entrapment", AtSeconds = -1, DurationSeconds = 0, Floor = 40 },
                new() { Fault = "invalid_floor", Floor = 5 },
                new() { Fault = null },
                new() { Fault = "door_reversals", Count = 0, Code = -4 },
            ],
        };

        var result = new SimulationOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        var failures = result.Failures!.ToList();
        Assert.Contains($"Simulation:Faults:0:Fault: unknown fault 'x'; known: {FaultCatalogue.KnownNames}", failures);
        Assert.Contains(failures, f => f.StartsWith("Simulation:HighestFloor: must be above the lowest floor (5)", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Simulation:FloorHeightMm:", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Simulation:AccelerometerHz:", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Simulation:ControllerTickMillis: must be a multiple of StepMillis", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Simulation:TrafficCallsPerHour:", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Simulation:Faults:1:AtSeconds:", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Simulation:Faults:1:DurationSeconds:", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Simulation:Faults:1:Floor: must be a floor of the building", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Simulation:Faults:2:Floor: invalid_floor needs a value outside", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Simulation:Faults:3:Fault: missing fault name; known: entrapment", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Simulation:Faults:4:Count:", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Simulation:Faults:4:Code:", StringComparison.Ordinal));
    }

    [Fact]
    public void Floors_left_out_come_from_the_lift_profile()
    {
        var small = new LiftProfile("site", 0, 2, 1000);
        var options = new SimulationOptions { Faults = [new() { Fault = "shut_in_at_floor", Floor = 5 }] };

        Assert.True(new SimulationOptionsValidator().Validate(null, options).Succeeded);
        var result = new SimulationOptionsValidator(small).Validate(null, options);
        Assert.Contains(result.Failures!, f => f.StartsWith("Simulation:Faults:0:Floor: must be a floor of the building (0..2); got 5", StringComparison.Ordinal));
    }

    [Fact]
    public void Overspeed_needs_a_tall_enough_shaft()
    {
        var options = new SimulationOptions { LowestFloor = 0, HighestFloor = 2, Faults = [new() { Fault = "overspeed" }] };
        var result = new SimulationOptionsValidator().Validate(null, options);
        Assert.Contains(result.Failures!, f => f.StartsWith("Simulation:Faults:0:Fault: overspeed needs at least", StringComparison.Ordinal));
    }

    [Fact]
    public void The_lift_refuses_invalid_options_listing_every_failure()
    {
        var options = new SimulationOptions { FloorHeightMm = 1, Faults = [new() { Fault = "nope" }] };
        var error = Assert.Throws<OptionsValidationException>(() => new SimulatedLift(LiftProfile.Default, options));
        Assert.Contains(error.Failures, f => f.StartsWith("Simulation:FloorHeightMm:", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.StartsWith("Simulation:Faults:0:Fault: unknown fault 'nope'", StringComparison.Ordinal));
        Assert.Equal("Simulation", error.OptionsName);
    }

    [Fact]
    public void Binds_from_configuration_including_faults_and_signal_masks()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Simulation:HighestFloor"] = "20",
                ["Simulation:Scenario"] = "traffic",
                ["Simulation:EmitSignals"] = "Controller, Link, Acc",
                ["Simulation:Faults:0:Fault"] = "entrapment",
                ["Simulation:Faults:0:AtSeconds"] = "20",
                ["Simulation:Faults:1:Fault"] = "mains-loss",
                ["Simulation:Faults:1:AtSeconds"] = "300",
                ["Simulation:Faults:1:DurationSeconds"] = "30",
            })
            .Build();

        var options = new SimulationOptions();
        configuration.GetSection(SimulationOptions.SectionName).Bind(options);

        Assert.Equal(20, options.HighestFloor);
        Assert.Equal(SimulationScenario.Traffic, options.Scenario);
        Assert.Equal(SignalMask.Controller | SignalMask.Link | SignalMask.Acc, options.EmitSignals);
        Assert.Equal(2, options.Faults.Count);
        Assert.True(new SimulationOptionsValidator().Validate(null, options).Succeeded);

        var lift = new SimulatedLift(LiftProfile.Default, options);
        Assert.Equal(20, lift.Profile.HighestFloor);
        Assert.Equal(2, lift.Faults.Pending);
    }
}
