using EdgeGateway.Core.Events;

namespace EdgeGateway.Core.Tests.Events;

public class EventCatalogueTests
{
    [Fact]
    public void Every_event_type_has_exactly_one_definition_in_enum_order()
    {
        var types = Enum.GetValues<EventType>();
        Assert.Equal(types.Length, EventCatalogue.All.Count);
        foreach (var type in types)
        {
            Assert.Equal(type, EventCatalogue.Get(type).Type);
        }
    }

    [Fact]
    public void Names_and_codes_are_unique()
    {
        Assert.Equal(EventCatalogue.All.Count, EventCatalogue.All.Select(d => d.Name).Distinct().Count());
        Assert.Equal(EventCatalogue.All.Count, EventCatalogue.All.Select(d => d.Code).Distinct().Count());
    }

    /// <summary>The brief's table, copied literally: a change to either side must be deliberate.</summary>
    [Theory]
    [InlineData("safety_circuit_open", 1, "2", true)]
    [InlineData("door_close_failure", 2, "2", true)]
    [InlineData("door_open_failure", 3, "2", true)]
    [InlineData("stopped_outside_door_zone", 4, "2", true)]
    [InlineData("unintended_movement", 5, "1", true)]
    [InlineData("floor_position_lost", 7, "2", true)]
    [InlineData("controller_fault", 8, "2", true)]
    [InlineData("entrapment", 11, "1", true)]
    [InlineData("door_open_while_running", 12, "1", true)]
    [InlineData("door_lock_circuit_open", 13, "1", true)]
    [InlineData("overspeed", 14, "1", true)]
    [InlineData("emergency_stop", 15, "2", false)]
    [InlineData("power_loss", 41, "2", true)]
    [InlineData("inspection", 43, "info", true)]
    [InlineData("mode_change", 40, "info", false)]
    [InlineData("alarm_button", 90, "1", false)]
    [InlineData("overrun_top", 92, "1", true)]
    [InlineData("overrun_bottom", 91, "1", true)]
    [InlineData("link_lost", 60, "3", true)]
    [InlineData("sensor_fault", 61, "3", true)]
    public void Matches_the_domain_brief(string name, int code, string grade, bool hasDuration)
    {
        Assert.True(EventCatalogue.TryGet(name, out var d));
        Assert.Equal(code, d.Code);
        Assert.Equal(grade, EventCatalogue.GradeName(d.Grade));
        Assert.Equal(hasDuration, d.HasDuration);
        Assert.Equal(grade == "1", d.IsAlarm);
    }

    [Fact]
    public void Unknown_name_is_not_found()
    {
        Assert.False(EventCatalogue.TryGet("door_ajar", out _));
    }
}
