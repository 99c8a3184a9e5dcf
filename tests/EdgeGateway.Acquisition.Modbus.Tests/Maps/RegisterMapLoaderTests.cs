using EdgeGateway.Acquisition.Modbus.Maps;
using EdgeGateway.Core.Signals;
using EdgeGateway.Testing.Modbus;

namespace EdgeGateway.Acquisition.Modbus.Tests.Maps;

public class RegisterMapLoaderTests
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);

    public static string GenericMapPath => MapFiles.Generic;

    [Fact]
    public void The_shipped_generic_map_loads_with_every_controller_signal()
    {
        var map = RegisterMapLoader.Load(GenericMapPath, Poll);
        Assert.Equal("generic", map.Name);
        Assert.Equal(SignalMask.Controller, map.Provides);
        var speed = map.Signals.Single(s => s.Signal == SignalMask.Speed);
        Assert.Equal((RegisterTable.HoldingRegister, (ushort)5, RegisterValueType.S32, WordOrder.HighFirst), (speed.Table, speed.Address, speed.Type, speed.WordOrder));
        Assert.Equal(TimeSpan.FromMilliseconds(500), map.Signals.Single(s => s.Signal == SignalMask.Fault).PollInterval);
    }

    [Fact]
    public void Every_problem_is_reported_at_once_naming_file_entry_and_problem()
    {
        const string Json = """
            {
              "signals": [
                { "signal": "flor", "table": "holding", "address": 0, "type": "u16" },
                { "signal": "floor", "table": "holding", "address": 70000, "type": "s16" },
                { "signal": "mode", "table": "holding", "address": 1, "type": "enum", "enum": { "1": "normal", "2": "parking" } },
                { "signal": "speed", "table": "holding", "address": 2, "type": "s32" },
                { "signal": "fault", "table": "holding", "address": 3, "type": "u16" },
                { "signal": "run", "table": "coil", "address": 0, "type": "u16" },
                { "signal": "door", "table": "holding", "address": 9, "type": "enum", "enum": { "x": "open" } },
                { "signal": "lock", "table": "registers", "address": 4, "type": "bit" },
                { "signal": "mode", "table": "holding", "address": 20, "type": "enum", "enum": { "1": "normal" } },
                { "signal": "link", "table": "coil", "address": 5, "type": "bit" },
                { "signal": "safety", "table": "holding", "address": 10, "type": "u16" }
              ]
            }
            """;
        var e = Assert.Throws<RegisterMapException>(() => RegisterMapLoader.Parse(Json, "bad.json", Poll));
        Assert.Equal("bad.json", e.Source);
        Assert.All(e.Errors, m => Assert.StartsWith("bad.json: ", m));
        Assert.Contains(e.Errors, m => m.Contains("signals[0] (flor): unknown signal 'flor'"));
        Assert.Contains(e.Errors, m => m.Contains("signals[1] (floor): address 70000") && m.Contains("out of range"));
        Assert.Contains(e.Errors, m => m.Contains("signals[2] (mode): enum value 'parking'"));
        Assert.Contains(e.Errors, m => m.Contains("signals[4] (fault): holding 3 overlaps signals[3] (speed) at 2-3"));
        Assert.Contains(e.Errors, m => m.Contains("signals[5] (run)") && m.Contains("type must be bit"));
        Assert.Contains(e.Errors, m => m.Contains("signals[6] (door): enum key 'x'"));
        Assert.Contains(e.Errors, m => m.Contains("signals[7] (lock): table 'registers'"));
        Assert.Contains(e.Errors, m => m.Contains("signals[8] (mode): signal 'mode' is already mapped by signals[2]"));
        Assert.Contains(e.Errors, m => m.Contains("signals[9] (link): unknown signal 'link'"));
        Assert.Contains(e.Errors, m => m.Contains("signals[10] (safety): 'safety' is a boolean signal"));
        Assert.Contains("bad.json", e.Message);
    }

    [Fact]
    public void Different_bits_of_one_register_may_share_it_but_one_bit_may_not()
    {
        const string Ok = """{ "signals": [ { "signal": "run", "table": "holding", "address": 7, "type": "bit", "bit": 0 }, { "signal": "lock", "table": "holding", "address": 7, "type": "bit", "bit": 1 } ] }""";
        Assert.Equal(2, RegisterMapLoader.Parse(Ok, "ok.json", Poll).Signals.Count);
        const string Clash = """{ "signals": [ { "signal": "run", "table": "holding", "address": 7, "type": "bit", "bit": 3 }, { "signal": "lock", "table": "holding", "address": 7, "type": "bit", "bit": 3 } ] }""";
        var e = Assert.Throws<RegisterMapException>(() => RegisterMapLoader.Parse(Clash, "clash.json", Poll));
        Assert.Contains("signals[1] (lock): holding 7 overlaps signals[0] (run)", Assert.Single(e.Errors));
    }

    [Fact]
    public void Invalid_json_names_the_line()
    {
        var e = Assert.Throws<RegisterMapException>(() => RegisterMapLoader.Parse("{\n \"signals\": [\n { \"signal\": }\n ]}", "broken.json", Poll));
        Assert.Contains("broken.json: not valid JSON at line 3", Assert.Single(e.Errors));
    }

    [Fact]
    public void A_missing_file_is_a_map_error_not_a_crash()
    {
        var e = Assert.Throws<RegisterMapException>(() => RegisterMapLoader.Load("/nonexistent/lift.json", Poll));
        Assert.Contains("lift.json: cannot read the file", Assert.Single(e.Errors));
    }

    [Fact]
    public void Keys_that_do_not_fit_the_type_are_rejected()
    {
        const string Json = """
            { "signals": [
              { "signal": "floor", "table": "holding", "address": 0, "type": "u16", "wordOrder": "low_first" },
              { "signal": "run", "table": "coil", "address": 0, "type": "bit", "bit": 2 },
              { "signal": "speed", "table": "input", "address": 0, "type": "s32", "wordOrder": "middle" },
              { "signal": "lock", "table": "holding", "address": 5, "type": "bit" },
              { "signal": "safety", "table": "discrete", "address": 0, "type": "bit", "scale": 2 },
              { "signal": "fault", "table": "input", "address": 9, "type": "u16", "pollMs": 1 }
            ] }
            """;
        var e = Assert.Throws<RegisterMapException>(() => RegisterMapLoader.Parse(Json, "keys.json", Poll));
        Assert.Equal(6, e.Errors.Count);
    }
}

internal static class MapFiles
{
    public static string Generic => RepositoryFiles.Find("hardware/register-maps/generic.json");
}
