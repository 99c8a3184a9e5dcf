using EdgeGateway.Acquisition.Modbus.Protocol;

namespace EdgeGateway.Acquisition.Modbus.Maps;

/// <summary>
/// One read request of the poll plan: a contiguous range of one table, polled at the fastest rate of the signals in it.
/// <see cref="Bindings"/> are the map entries it covers. The buffer for its values is preallocated here so a poll
/// allocates nothing.
/// </summary>
public sealed class ReadBlock
{
    public ReadBlock(RegisterTable table, ushort start, int count, TimeSpan interval, SignalBinding[] bindings)
    {
        Table = table;
        Start = start;
        Count = count;
        Interval = interval;
        Bindings = bindings;
        Registers = SignalBinding.IsBitTable(table) ? [] : new ushort[count];
        Bits = SignalBinding.IsBitTable(table) ? new bool[count] : [];
    }

    public RegisterTable Table { get; }

    public ushort Start { get; }

    public int Count { get; }

    public TimeSpan Interval { get; }

    public SignalBinding[] Bindings { get; }

    public ushort[] Registers { get; }

    public bool[] Bits { get; }

    public override string ToString() => $"{RegisterMapLoader.TableName(Table)} {Start}..{Start + Count - 1} every {Interval.TotalMilliseconds:0} ms";
}

/// <summary>
/// Merges neighbouring map entries of a table into the fewest read requests: entries sorted by address are taken
/// greedily while the span stays within a request's limit (125 registers, §6.3/§6.4; 2000 bits, §6.1/§6.2) and the
/// unused gap between entries is at most the map's merge gap. For intervals on a line with a maximum span, the greedy
/// left-to-right cut is optimal, so no plan has fewer requests. Each block is polled at its fastest member's rate:
/// one request for both signals is cheaper than two, even when one of them did not need it yet.
/// </summary>
public static class ReadPlanner
{
    public static IReadOnlyList<ReadBlock> Plan(RegisterMap map, int maxRegisters = ModbusLimits.MaxReadRegisters, int maxBits = ModbusLimits.MaxReadBits)
    {
        var blocks = new List<ReadBlock>();
        foreach (var table in new[] { RegisterTable.Coil, RegisterTable.DiscreteInput, RegisterTable.InputRegister, RegisterTable.HoldingRegister })
        {
            var entries = map.Signals.Where(s => s.Table == table).OrderBy(s => s.Address).ThenBy(s => s.LastAddress).ToList();
            var limit = SignalBinding.IsBitTable(table) ? maxBits : maxRegisters;
            var current = new List<SignalBinding>();
            int start = 0, last = 0;
            foreach (var e in entries)
            {
                if (current.Count > 0 && e.Address - last - 1 <= map.MergeGap && Math.Max(last, e.LastAddress) - start + 1 <= limit)
                {
                    current.Add(e);
                    last = Math.Max(last, e.LastAddress);
                    continue;
                }

                if (current.Count > 0)
                {
                    blocks.Add(Make(table, start, last, current));
                }

                current = [e];
                start = e.Address;
                last = e.LastAddress;
            }

            if (current.Count > 0)
            {
                blocks.Add(Make(table, start, last, current));
            }
        }

        return blocks;
    }

    private static ReadBlock Make(RegisterTable table, int start, int last, List<SignalBinding> bindings) =>
        new(table, (ushort)start, last - start + 1, bindings.Min(b => b.PollInterval), [.. bindings]);
}
