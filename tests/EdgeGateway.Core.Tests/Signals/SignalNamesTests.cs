using EdgeGateway.Core.Signals;

namespace EdgeGateway.Core.Tests.Signals;

public class SignalNamesTests
{
    [Theory]
    [InlineData("normal")]
    [InlineData("inspection")]
    [InlineData("fire")]
    [InlineData("emergency_power")]
    [InlineData("out_of_service")]
    [InlineData("earthquake")]
    [InlineData("unknown")]
    public void Every_mode_of_the_brief_round_trips(string name)
    {
        Assert.True(SignalNames.TryParseMode(name, out var mode));
        Assert.Equal(name, SignalNames.Of(mode));
    }

    [Theory]
    [InlineData("open")]
    [InlineData("opening")]
    [InlineData("closing")]
    [InlineData("closed")]
    public void Every_door_state_round_trips(string name)
    {
        Assert.True(SignalNames.TryParseDoor(name, out var door));
        Assert.Equal(name, SignalNames.Of(door));
    }

    [Theory]
    [InlineData("up")]
    [InlineData("down")]
    [InlineData("none")]
    public void Every_direction_round_trips(string name)
    {
        Assert.True(SignalNames.TryParseDirection(name, out var dir));
        Assert.Equal(name, SignalNames.Of(dir));
    }

    [Theory]
    [InlineData("Normal")]
    [InlineData("ajar")]
    [InlineData("")]
    public void Unknown_words_are_rejected_not_guessed(string name)
    {
        Assert.False(SignalNames.TryParseMode(name, out _));
        Assert.False(SignalNames.TryParseDoor(name, out _));
        Assert.False(SignalNames.TryParseDirection(name, out _));
    }
}
