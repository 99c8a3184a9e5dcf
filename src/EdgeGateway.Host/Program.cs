using System.CommandLine;
using EdgeGateway.Host.Commands;

namespace EdgeGateway.Host;

public static class Program
{
    public static Task<int> Main(string[] args) => BuildRootCommand().Parse(args).InvokeAsync();

    public static RootCommand BuildRootCommand()
    {
        var root = new RootCommand(
            "EdgeGateway: reads the lift controller and the box's sensors, detects faults and entrapment, and uplinks "
            + "telemetry and alarms over MQTT with store-and-forward.");
        root.Subcommands.Add(RunCommand.Create());
        root.Subcommands.Add(RunCommand.CreateRecord());
        root.Subcommands.Add(ReplayCommand.Create());
        root.Subcommands.Add(DecodeCommand.Create());
        root.Subcommands.Add(OutboxCommand.Create());
        root.Subcommands.Add(SensorsCommand.Create());
        var probe = new Command("probe", "Find devices on the box's buses (installers).");
        probe.Subcommands.Add(ProbeModbusCommand.Create());
        root.Subcommands.Add(probe);
        return root;
    }
}
