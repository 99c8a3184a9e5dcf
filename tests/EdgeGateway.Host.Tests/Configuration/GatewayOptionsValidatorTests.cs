using EdgeGateway.Host.Configuration;

namespace EdgeGateway.Host.Tests.Configuration;

public class GatewayOptionsValidatorTests
{
    private readonly GatewayOptionsValidator _validator = new();

    [Fact]
    public void Defaults_are_valid()
    {
        Assert.True(_validator.Validate(null, new GatewayOptions()).Succeeded);
    }

    [Fact]
    public void Every_error_is_reported_at_once_with_its_key()
    {
        var options = new GatewayOptions
        {
            BoxId = "box/1",
            DataDirectory = " ",
            Lift = new LiftOptions { Id = "", LowestFloor = 5, HighestFloor = 5, RatedSpeedMmS = 50 },
        };

        var failures = _validator.Validate(null, options).Failures!.ToList();

        Assert.Contains(failures, f => f.StartsWith("Gateway:BoxId:", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Gateway:DataDirectory:", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Gateway:Lift:Id:", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Gateway:Lift:HighestFloor:", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Gateway:Lift:RatedSpeedMmS:", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("lift+1")]
    [InlineData("lift#")]
    [InlineData("two words")]
    public void A_lift_id_that_would_break_mqtt_topics_is_refused(string id)
    {
        var result = _validator.Validate(null, new GatewayOptions { Lift = new LiftOptions { Id = id } });
        Assert.Contains(result.Failures!, f => f.StartsWith("Gateway:Lift:Id:", StringComparison.Ordinal));
    }
}
