using EdgeGateway.Acquisition.Modbus.Maps;
using EdgeGateway.Acquisition.Modbus.Master;
using EdgeGateway.Acquisition.Modbus.Polling;
using EdgeGateway.Core.Acquisition;
using EdgeGateway.Core.Lift;
using EdgeGateway.Core.Signals;
using EdgeGateway.Core.Time;
using EdgeGateway.Simulation.Faults;
using EdgeGateway.Simulation.Lift;
using EdgeGateway.Simulation.ModbusServing;
using EdgeGateway.Testing.Modbus;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeGateway.Simulation.Tests.ModbusServing;

/// <summary>The gateway's Modbus poller reads the simulated lift over the real wire path, through the generic map.</summary>
public sealed class SimulatedControllerSlaveTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private static readonly string GenericMap = RepositoryFiles.Find("hardware/register-maps/generic.json");

    private static SimulatedLift NewLift() => new(LiftProfile.Default, new SimulationOptions { Scenario = SimulationScenario.Traffic, TrafficCallsPerHour = 600 });

    [Fact]
    public async Task The_poller_reads_the_simulated_controller_over_tcp_and_sees_its_link_drop()
    {
        var lift = NewLift();
        lift.RunFor(TimeSpan.FromSeconds(40), Discard.Instance);
        var map = RegisterMapLoader.Load(GenericMap, TimeSpan.FromMilliseconds(50));
        await using var slave = SimulatedControllerSlave.ServeTcp(lift, map);
        Assert.StartsWith("127.0.0.1:", slave.ModbusEndpoint);

        var options = new ModbusOptions { Transport = "tcp", Endpoint = slave.ModbusEndpoint, MapFile = GenericMap, PollIntervalMs = 50, ResponseTimeoutMs = 100, Retries = 0, LinkLossAfterFailures = 2 };
        await RunSourceAsync(options, lift);
    }

    [Fact]
    public async Task The_poller_reads_the_simulated_controller_over_a_pty()
    {
        using var pty = new SocatPtyPair();
        var lift = NewLift();
        lift.RunFor(TimeSpan.FromSeconds(40), Discard.Instance);
        var map = RegisterMapLoader.Load(GenericMap, TimeSpan.FromMilliseconds(50));
        await using var slave = SimulatedControllerSlave.ServeSerial(lift, map, pty.EndA, 115200);

        var options = new ModbusOptions
        {
            Transport = "rtu", Port = pty.EndB, BaudRate = 115200, Parity = "none", MapFile = GenericMap,
            PollIntervalMs = 50, ResponseTimeoutMs = 100, Retries = 0, LinkLossAfterFailures = 2,
        };
        await RunSourceAsync(options, lift);
    }

    private static async Task RunSourceAsync(ModbusOptions options, SimulatedLift lift)
    {
        using var source = new ModbusControllerSource(options, new MonotonicClock(TimeProvider.System), NullLogger.Instance, o => ModbusMasterFactory.Create(o));
        var writer = new RecordingSampleWriter();
        using var stop = new CancellationTokenSource();
        var run = source.RunAsync(writer, new RecordingHealthReporter(), stop.Token);

        var truth = lift.Snapshot;
        var seen = writer.WaitFor(s => s.Has(SignalMask.Controller), Wait);
        Assert.NotNull(seen);
        var s = seen.Value;
        Assert.Equal(
            (truth.Mode, truth.Floor, truth.Dir, truth.Run, truth.Door, truth.Lock, truth.Safety, truth.Fault, truth.SpeedMmS, true),
            (s.Mode, s.Floor, s.Dir, s.Run, s.Door, s.Lock, s.Safety, s.Fault, s.SpeedMmS, s.Link));

        // The controller stops answering on the bus: the gateway's link goes false.
        var mark = writer.Count;
        lift.Faults.InjectNow(FaultKind.LinkLoss);
        // The fault starts once the car is idle and empty; bounded wait in simulated time.
        for (var i = 0; i < 300 && lift.Snapshot.Link; i++)
        {
            lift.RunFor(TimeSpan.FromSeconds(1), Discard.Instance);
        }

        Assert.False(lift.Snapshot.Link);
        Assert.NotNull(writer.WaitFor(x => x.Has(SignalMask.Link) && !x.Link, Wait, mark));

        // The fault ends (10 s of simulated time): answers again.
        mark = writer.Count;
        for (var i = 0; i < 60 && !lift.Snapshot.Link; i++)
        {
            lift.RunFor(TimeSpan.FromSeconds(1), Discard.Instance);
        }

        Assert.True(lift.Snapshot.Link);
        Assert.NotNull(writer.WaitFor(x => x.Has(SignalMask.Floor) && x.Link && x.Floor == lift.Snapshot.Floor, Wait, mark));

        await stop.CancelAsync();
        Assert.True(run.Wait(Wait));
    }

    private sealed class Discard : ISampleWriter
    {
        public static readonly Discard Instance = new();

        public bool TryWrite(in LiftSample sample) => true;
    }
}
