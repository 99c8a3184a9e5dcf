using System.Diagnostics;
using EdgeGateway.Acquisition.Modbus.Maps;
using EdgeGateway.Acquisition.Modbus.Master;
using EdgeGateway.Acquisition.Modbus.Polling;
using EdgeGateway.Acquisition.Modbus.Slave;
using EdgeGateway.Core.Signals;
using EdgeGateway.Core.Time;
using EdgeGateway.Testing.Modbus;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeGateway.Acquisition.Modbus.Tests.Polling;

// The reopen test counts the process's threads and file descriptors to catch a leak per reopen; tests of other classes
// running at the same time add threads of their own (a CI run once saw one too many), so this class runs alone.
[Collection(nameof(ProcessWideCountsCollection))]
public sealed class ModbusControllerSourceTests
{
    // Generous: these run beside other test assemblies on a loaded 2-core CI machine; no timing is asserted.
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    /// <summary>A map over pymodbus's fixed data: holding i = i, input i = 1000 + i, coil i = odd, discrete i = (i % 4 != 1).</summary>
    private const string PymodbusMap = """
        { "defaultPollMs": 50, "signals": [
          { "signal": "floor", "table": "holding", "address": 3, "type": "s16" },
          { "signal": "fault", "table": "input", "address": 4, "type": "u16" },
          { "signal": "door", "table": "holding", "address": 2, "type": "enum", "enum": { "0": "closed", "1": "opening", "2": "open", "3": "closing" } },
          { "signal": "run", "table": "coil", "address": 1, "type": "bit" },
          { "signal": "lock", "table": "discrete", "address": 1, "type": "bit" },
          { "signal": "safety", "table": "discrete", "address": 2, "type": "bit" }
        ] }
        """;

    private static string WriteMap(string json)
    {
        var path = Path.Combine(Path.GetTempPath(), $"edgegw-map-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        return path;
    }

    private static ModbusOptions RtuOptions(string port, string map) => new()
    {
        Transport = "rtu",
        Port = port,
        BaudRate = 115200,
        Parity = "none",
        SlaveId = 1,
        MapFile = map,
        ResponseTimeoutMs = 150,
        Retries = 1,
        LinkLossAfterFailures = 3,
        ReopenMinMs = 50,
        ReopenMaxMs = 400,
    };

    private static (ModbusControllerSource Source, RecordingSampleWriter Writer, RecordingHealthReporter Health, Task Run, CancellationTokenSource Stop) Start(ModbusOptions options)
    {
        var source = new ModbusControllerSource(options, new MonotonicClock(TimeProvider.System), NullLogger.Instance, o => ModbusMasterFactory.Create(o));
        var writer = new RecordingSampleWriter();
        var health = new RecordingHealthReporter();
        var stop = new CancellationTokenSource();
        var run = source.RunAsync(writer, health, stop.Token);
        return (source, writer, health, run, stop);
    }

    private static async Task StopAsync(ModbusControllerSource source, Task run, CancellationTokenSource stop)
    {
        await stop.CancelAsync();
        Assert.True(run.Wait(TimeSpan.FromSeconds(10)), "the source stops when cancelled");
        source.Dispose();
        stop.Dispose();
    }

    [Fact]
    public async Task Polls_pymodbus_over_a_pty_survives_the_slave_stopping_and_recovers()
    {
        using var pty = new SocatPtyPair();
        using var slave = PymodbusSlave.Rtu(pty.EndA);
        var (source, writer, health, run, stop) = Start(RtuOptions(pty.EndB, WriteMap(PymodbusMap)));

        var sample = writer.WaitFor(s => s.Has(SignalMask.Floor), Wait);
        Assert.NotNull(sample);
        Assert.True(sample.Value.Has(SignalMask.Link) && sample.Value.Link);
        Assert.Equal((3, DoorState.Open), (sample.Value.Floor, sample.Value.Door));
        Assert.Equal(1004, writer.WaitFor(s => s.Has(SignalMask.Fault), Wait)?.Fault);
        Assert.True(writer.WaitFor(s => s.Has(SignalMask.Run), Wait)?.Run);
        var bits = writer.WaitFor(s => s.Has(SignalMask.Lock), Wait)!.Value;
        Assert.Equal((false, true), (bits.Lock, bits.Safety));
        Assert.Equal(4, source.Plan.Count);
        Assert.True(source.LinkUp);

        // The slave stops mid-poll: link goes false after the configured failures, nothing throws.
        // Marks are taken before each change: the source may react before the change call returns.
        var mark = writer.Count;
        slave.Stop();
        Assert.NotNull(writer.WaitFor(s => s.Has(SignalMask.Link) && !s.Link, Wait, mark));
        Assert.False(source.LinkUp);
        Assert.True(source.Health.Timeouts >= 3);

        mark = writer.Count;
        slave.Start();
        Assert.NotNull(writer.WaitFor(s => s.Has(SignalMask.Floor) && s.Link, Wait, mark));
        Assert.True(source.LinkUp);
        Assert.DoesNotContain(health.Reports, r => r.Problem is not null);
        await StopAsync(source, run, stop);
    }

    [Fact]
    public async Task The_pty_vanishing_and_returning_is_reopened_without_leaking_threads_or_handles()
    {
        using var pty = new SocatPtyPair();
        var slave = PymodbusSlave.Rtu(pty.EndA);
        var (source, writer, _, run, stop) = Start(RtuOptions(pty.EndB, WriteMap(PymodbusMap)));
        Assert.NotNull(writer.WaitFor(s => s.Has(SignalMask.Floor), Wait));

        int threads = 0, handles = 0;
        for (var cycle = 0; cycle < 4; cycle++)
        {
            // Unplug: socat exits, both pty devices disappear, and the slave's port goes with them.
            var mark = writer.Count;
            slave.Dispose();
            pty.Stop();
            Assert.NotNull(writer.WaitFor(s => s.Has(SignalMask.Link) && !s.Link, Wait, mark));

            // Plug back in under the same name.
            mark = writer.Count;
            pty.Start();
            slave = PymodbusSlave.Rtu(pty.EndA);
            Assert.NotNull(writer.WaitFor(s => s.Has(SignalMask.Floor) && s.Link, Wait, mark));
            if (cycle == 1)
            {
                threads = Process.GetCurrentProcess().Threads.Count;
                handles = Directory.GetFiles("/proc/self/fd").Length;
            }
        }

        Assert.True(source.Health.Reopens >= 4, $"reopened {source.Health.Reopens} times");
        Assert.InRange(Process.GetCurrentProcess().Threads.Count, 0, threads + 4);
        Assert.InRange(Directory.GetFiles("/proc/self/fd").Length, 0, handles + 4);
        slave.Dispose();
        await StopAsync(source, run, stop);
    }

    [Fact]
    public async Task Corrupted_and_dropped_responses_are_counted_retried_and_survived()
    {
        using var relay = new PtyCorruptingRelay();
        using var slave = PymodbusSlave.Rtu(relay.SlaveEnd);
        var (source, writer, _, run, stop) = Start(RtuOptions(relay.MasterEnd, WriteMap(PymodbusMap)));
        Assert.NotNull(writer.WaitFor(s => s.Has(SignalMask.Floor), Wait));

        // Every second response has a flipped bit: CRC errors, retried, data still flows, link stays up.
        relay.EveryNth = 2;
        relay.Mode = PtyCorruptingRelay.DamageMode.FlipBit;
        var mark = writer.Count;
        Assert.NotNull(writer.WaitFor(s => s.Has(SignalMask.Floor), Wait, mark + 20));
        Assert.True(source.Health.CrcErrors > 0);

        foreach (var mode in new[] { PtyCorruptingRelay.DamageMode.GarbageFirst, PtyCorruptingRelay.DamageMode.Truncate })
        {
            relay.Mode = mode;
            mark = writer.Count;
            Assert.NotNull(writer.WaitFor(s => s.Has(SignalMask.Floor) && s.Floor == 3, Wait, mark + 10));
        }

        Assert.DoesNotContain(writer.Samples, s => s.Has(SignalMask.Floor) && s.Floor != 3);
        Assert.True(source.Health.InvalidResponses > 0);

        // Everything dropped: link lost. Then clean again: link back.
        mark = writer.Count;
        relay.EveryNth = 1;
        relay.Mode = PtyCorruptingRelay.DamageMode.Drop;
        Assert.NotNull(writer.WaitFor(s => s.Has(SignalMask.Link) && !s.Link, Wait, mark));
        mark = writer.Count;
        relay.Mode = PtyCorruptingRelay.DamageMode.Pass;
        Assert.NotNull(writer.WaitFor(s => s.Has(SignalMask.Floor) && s.Link, Wait, mark));
        await StopAsync(source, run, stop);
    }

    [Fact]
    public async Task The_local_echo_of_a_half_duplex_adapter_is_suppressed()
    {
        using var relay = new PtyCorruptingRelay { EchoRequests = true };
        using var slave = PymodbusSlave.Rtu(relay.SlaveEnd);
        var options = RtuOptions(relay.MasterEnd, WriteMap(PymodbusMap));
        options.SuppressLocalEcho = true;
        var (source, writer, _, run, stop) = Start(options);
        Assert.NotNull(writer.WaitFor(s => s.Has(SignalMask.Floor) && s.Floor == 3, Wait));
        Assert.NotNull(writer.WaitFor(s => s.Has(SignalMask.Lock), Wait));
        Assert.Equal(0, source.Health.CrcErrors);
        await StopAsync(source, run, stop);
    }

    [Fact]
    public async Task Polls_the_controller_slave_over_tcp_through_the_generic_map()
    {
        var map = RegisterMapLoader.Load(RepositoryFiles.Find("hardware/register-maps/generic.json"), TimeSpan.FromMilliseconds(100));
        var state = new LiftState();
        state.Apply(new LiftSample(1, SignalMask.Controller | SignalMask.Link, LiftMode.Inspection, -1, TravelDirection.Down, true, DoorState.Closing,
            true, false, 17, -480, true, false, false, false, false, 0, 0, 0));
        var current = state;
        await using var server = new ModbusTcpSlaveServer(new ControllerSlave(1, map, () => current));
        server.Start();
        var options = new ModbusOptions
        {
            Transport = "tcp",
            Endpoint = $"127.0.0.1:{server.Endpoint.Port}",
            SlaveId = 1,
            MapFile = RepositoryFiles.Find("hardware/register-maps/generic.json"),
            PollIntervalMs = 50,
            ResponseTimeoutMs = 100,
            Retries = 0,
            LinkLossAfterFailures = 2,
        };
        var (source, writer, _, run, stop) = Start(options);
        var s = writer.WaitFor(x => x.Has(SignalMask.Controller), Wait)!.Value;
        Assert.Equal(
            (LiftMode.Inspection, -1, TravelDirection.Down, true, DoorState.Closing, true, false, 17, -480, true),
            (s.Mode, s.Floor, s.Dir, s.Run, s.Door, s.Lock, s.Safety, s.Fault, s.SpeedMmS, s.Link));

        var mark = writer.Count;
        current.Apply(LiftSample.Input(2, SignalMask.Link, false));
        Assert.NotNull(writer.WaitFor(x => x.Has(SignalMask.Link) && !x.Link, Wait, mark));
        mark = writer.Count;
        current.Apply(LiftSample.Input(3, SignalMask.Link, true));
        Assert.NotNull(writer.WaitFor(x => x.Has(SignalMask.Floor) && x.Link, Wait, mark));
        await StopAsync(source, run, stop);
    }

    [Fact]
    public async Task A_missing_port_means_link_false_and_retries_with_backoff()
    {
        var options = RtuOptions("/tmp/edgegw-no-such-port", WriteMap(PymodbusMap));
        var (source, writer, _, run, stop) = Start(options);
        Assert.NotNull(writer.WaitFor(s => s.Has(SignalMask.Link) && !s.Link, Wait));
        Thread.Sleep(500);
        Assert.InRange(source.Health.TransportFaults, 2, 10);
        Assert.Single(writer.Samples, s => s.Has(SignalMask.Link));
        await StopAsync(source, run, stop);
    }

    [Fact]
    public async Task A_bad_map_is_reported_and_the_source_idles_until_stopped()
    {
        var options = RtuOptions("/dev/null", WriteMap("""{ "signals": [ { "signal": "lift", "table": "holding", "address": 0, "type": "u16" } ] }"""));
        var (source, writer, health, run, stop) = Start(options);
        var deadline = Stopwatch.GetTimestamp() + (5 * Stopwatch.Frequency);
        while (health.Reports.Count == 0 && Stopwatch.GetTimestamp() < deadline)
        {
            Thread.Sleep(10);
        }

        var report = Assert.Single(health.Reports);
        Assert.Equal("modbus:map", report.Sensor);
        Assert.Contains("signals[0] (lift): unknown signal 'lift'", report.Problem);
        Assert.False(run.IsCompleted);
        Assert.Equal(0, writer.Count);
        await StopAsync(source, run, stop);
    }

    [Fact]
    public async Task Exception_responses_keep_the_link_up_and_are_reported_as_a_sensor_problem()
    {
        using var slave = PymodbusSlave.Tcp(1);
        var options = new ModbusOptions
        {
            Transport = "tcp",
            Endpoint = $"127.0.0.1:{slave.TcpPort}",
            MapFile = WriteMap("""{ "signals": [ { "signal": "floor", "table": "holding", "address": 5000, "type": "s16" } ] }"""),
            PollIntervalMs = 50,
        };
        var (source, writer, health, run, stop) = Start(options);
        var deadline = Stopwatch.GetTimestamp() + (5 * Stopwatch.Frequency);
        while (health.Reports.Count == 0 && Stopwatch.GetTimestamp() < deadline)
        {
            Thread.Sleep(10);
        }

        var report = Assert.Single(health.Reports);
        Assert.Equal("modbus:1", report.Sensor);
        Assert.Contains("exception 02 ILLEGAL DATA ADDRESS", report.Problem);
        Assert.True(source.LinkUp);
        Assert.DoesNotContain(writer.Samples, s => s.Has(SignalMask.Link) && !s.Link);
        await StopAsync(source, run, stop);
    }
}

/// <summary>Tests that measure process-wide counts (threads, descriptors) run alone, after the parallel ones.</summary>
[CollectionDefinition(nameof(ProcessWideCountsCollection), DisableParallelization = true)]
public sealed class ProcessWideCountsCollection;
