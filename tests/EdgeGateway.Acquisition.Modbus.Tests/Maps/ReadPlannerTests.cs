using EdgeGateway.Acquisition.Modbus.Maps;

namespace EdgeGateway.Acquisition.Modbus.Tests.Maps;

public class ReadPlannerTests
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);

    [Fact]
    public void The_generic_map_is_one_read_of_eight_holding_registers()
    {
        var plan = ReadPlanner.Plan(RegisterMapLoader.Load(MapFiles.Generic, Poll));
        var block = Assert.Single(plan);
        Assert.Equal((RegisterTable.HoldingRegister, (ushort)0, 8), (block.Table, block.Start, block.Count));
        // fault asks for 500 ms but shares the request, which runs at the fastest member's 100 ms.
        Assert.Equal(Poll, block.Interval);
    }

    [Fact]
    public void Neighbours_merge_within_the_gap_and_the_125_register_limit()
    {
        const string Json = """
            { "mergeGap": 64, "signals": [
              { "signal": "floor", "table": "holding", "address": 0, "type": "s16" },
              { "signal": "fault", "table": "holding", "address": 60, "type": "u16", "pollMs": 1000 },
              { "signal": "speed", "table": "holding", "address": 119, "type": "s32" },
              { "signal": "mode", "table": "holding", "address": 125, "type": "enum", "enum": { "1": "normal" } },
              { "signal": "dir", "table": "holding", "address": 300, "type": "enum", "enum": { "1": "up" } },
              { "signal": "run", "table": "coil", "address": 0, "type": "bit" },
              { "signal": "lock", "table": "coil", "address": 1999, "type": "bit" },
              { "signal": "safety", "table": "discrete", "address": 5, "type": "bit", "pollMs": 500 }
            ] }
            """;
        var plan = ReadPlanner.Plan(RegisterMapLoader.Parse(Json, "plan.json", Poll));
        var summary = plan.Select(b => $"{b.Table} {b.Start}+{b.Count} {b.Interval.TotalMilliseconds}").ToArray();
        Assert.Equal(
            [
                "Coil 0+1 100",
                "Coil 1999+1 100",
                "DiscreteInput 5+1 500",
                "HoldingRegister 0+121 100",
                "HoldingRegister 125+1 100",
                "HoldingRegister 300+1 100",
            ],
            summary);
        Assert.All(plan, b => Assert.InRange(b.Count, 1, 125));
    }

    [Fact]
    public void Without_a_merge_gap_only_touching_entries_merge()
    {
        const string Json = """
            { "signals": [
              { "signal": "floor", "table": "input", "address": 10, "type": "s16" },
              { "signal": "fault", "table": "input", "address": 11, "type": "u16" },
              { "signal": "speed", "table": "input", "address": 13, "type": "s32" }
            ] }
            """;
        var plan = ReadPlanner.Plan(RegisterMapLoader.Parse(Json, "gap.json", Poll));
        Assert.Equal(["10+2", "13+2"], plan.Select(b => $"{b.Start}+{b.Count}"));
    }

    [Fact]
    public void Bits_merge_up_to_2000_per_request()
    {
        const string Json = """
            { "mergeGap": 64, "signals": [
              { "signal": "run", "table": "discrete", "address": 0, "type": "bit" },
              { "signal": "lock", "table": "discrete", "address": 60, "type": "bit" },
              { "signal": "safety", "table": "discrete", "address": 124, "type": "bit" },
              { "signal": "zone", "table": "discrete", "address": 180, "type": "bit" }
            ] }
            """;
        var block = Assert.Single(ReadPlanner.Plan(RegisterMapLoader.Parse(Json, "bits.json", Poll)));
        Assert.Equal(181, block.Count);
        Assert.Equal(4, block.Bindings.Length);
    }
}
