using System.Diagnostics;
using EdgeGateway.Acquisition.Modbus.Health;
using EdgeGateway.Acquisition.Modbus.Maps;
using EdgeGateway.Acquisition.Modbus.Master;
using EdgeGateway.Acquisition.Modbus.Protocol;
using EdgeGateway.Acquisition.Modbus.Transport;
using EdgeGateway.Core.Acquisition;
using EdgeGateway.Core.Signals;
using EdgeGateway.Core.Time;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Acquisition.Modbus.Polling;

/// <summary>
/// The lift controller as a sample source: polls the slave through the register map, turns each answered read into a
/// <see cref="LiftSample"/> of the signals it carries plus <c>link</c> = true, and writes <c>link</c> = false after
/// <see cref="ModbusOptions.LinkLossAfterFailures"/> consecutive failed polls or at once when the port fails
/// (detection suspends controller rules and raises link_lost). A port that fails is reopened with exponential
/// backoff on the same thread with a fresh port object, so an adapter that vanishes and returns costs no threads,
/// handles or memory. A map that is wrong is reported (log + sensor_fault "modbus:map") and the source idles; the rest
/// of the service keeps running. Polling runs on one dedicated thread and allocates nothing per poll.
/// </summary>
public sealed class ModbusControllerSource : ISampleSource, IDisposable
{
    private readonly ModbusOptions _options;
    private readonly MonotonicClock _clock;
    private readonly ILogger _logger;
    private readonly Func<ModbusOptions, ModbusMaster> _masterFactory;
    private readonly byte _slave;
    private ModbusMaster? _master;
    private long _samplesWritten;
    private long _samplesDropped;
    private volatile int _linkState = -1;

    public ModbusControllerSource(IOptions<ModbusOptions> options, MonotonicClock clock, ILogger<ModbusControllerSource> logger)
        : this(options.Value, clock, logger, o => ModbusMasterFactory.Create(o))
    {
    }

    /// <param name="masterFactory">Builds the master (no I/O); tests and benches pass their own transports through it.</param>
    public ModbusControllerSource(ModbusOptions options, MonotonicClock clock, ILogger logger, Func<ModbusOptions, ModbusMaster> masterFactory)
    {
        _options = options;
        _clock = clock;
        _logger = logger;
        _masterFactory = masterFactory;
        _slave = (byte)options.SlaveId;
    }

    public string Name => "modbus";

    /// <summary>The sensor name used with <see cref="ISensorHealthReporter"/>: "modbus:&lt;slave id&gt;".</summary>
    public string SensorName => $"modbus:{_options.SlaveId}";

    /// <summary>The loaded map, once <see cref="RunAsync"/> has loaded it.</summary>
    public RegisterMap? Map { get; private set; }

    public IReadOnlyList<ReadBlock> Plan { get; private set; } = [];

    /// <summary>True while the controller answers, false after the link was lost, null before the first poll.</summary>
    public bool? LinkUp => _linkState < 0 ? null : _linkState == 1;

    public long SamplesWritten => Interlocked.Read(ref _samplesWritten);

    public long SamplesDropped => Interlocked.Read(ref _samplesDropped);

    /// <summary>The polled slave's counters (requests, timeouts, CRC errors, exceptions, latency percentiles).</summary>
    public ModbusHealthSnapshot Health => _master?.Health.For(_slave).Snapshot() ?? new ModbusHealthSnapshot { Slave = _slave };

    public Task RunAsync(ISampleWriter writer, ISensorHealthReporter health, CancellationToken cancellationToken)
    {
        // One long-running thread: the serial API is blocking and a bus does one transaction at a time anyway.
        return Task.Factory.StartNew(
            () => Run(writer, health, cancellationToken),
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
    }

    public void Dispose() => _master?.Dispose();

    /// <summary>Relative map paths: the working directory first, then next to the program (where deploy puts hardware/).</summary>
    public static string ResolveMapPath(string mapFile)
    {
        if (Path.IsPathRooted(mapFile) || File.Exists(mapFile))
        {
            return mapFile;
        }

        var besideProgram = Path.Combine(AppContext.BaseDirectory, mapFile);
        return File.Exists(besideProgram) ? besideProgram : mapFile;
    }

    private void Run(ISampleWriter writer, ISensorHealthReporter health, CancellationToken cancellationToken)
    {
        RegisterMap map;
        try
        {
            map = RegisterMapLoader.Load(ResolveMapPath(_options.MapFile), TimeSpan.FromMilliseconds(_options.PollIntervalMs));
        }
        catch (RegisterMapException e)
        {
            Log.MapRejected(_logger, e.Message);
            health.Report("modbus:map", string.Join("; ", e.Errors));
            cancellationToken.WaitHandle.WaitOne();
            return;
        }

        Map = map;
        var plan = ReadPlanner.Plan(map);
        Plan = plan;
        var master = _masterFactory(_options);
        _master = master;
        Log.Polling(_logger, _slave, master.Transport.Description, map.Name, string.Join("; ", plan));
        try
        {
            PollLoop(master, plan, writer, health, cancellationToken);
        }
        finally
        {
            master.Transport.Close();
        }
    }

    private void PollLoop(ModbusMaster master, IReadOnlyList<ReadBlock> plan, ISampleWriter writer, ISensorHealthReporter health, CancellationToken ct)
    {
        var due = new long[plan.Count];
        var problems = new string?[plan.Count];
        string? reportedProblem = null;
        var failures = 0;
        var backoff = TimeSpan.FromMilliseconds(_options.ReopenMinMs);
        var maxBackoff = TimeSpan.FromMilliseconds(_options.ReopenMaxMs);
        var healthLogEvery = _options.HealthLogIntervalSeconds * Stopwatch.Frequency;
        var nextHealthLog = Stopwatch.GetTimestamp() + healthLogEvery;
        var builder = new ControllerSampleBuilder();
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < due.Length; i++)
        {
            due[i] = start;
        }

        while (!ct.IsCancellationRequested)
        {
            var next = 0;
            for (var i = 1; i < due.Length; i++)
            {
                if (due[i] < due[next])
                {
                    next = i;
                }
            }

            var wait = due[next] - Stopwatch.GetTimestamp();
            if (wait > 0 && ct.WaitHandle.WaitOne(TimeSpan.FromTicks(wait * TimeSpan.TicksPerSecond / Stopwatch.Frequency)))
            {
                return;
            }

            var block = plan[next];
            var interval = block.Interval.Ticks * Stopwatch.Frequency / TimeSpan.TicksPerSecond;
            due[next] += interval;
            var now = Stopwatch.GetTimestamp();
            if (due[next] < now)
            {
                // Behind (a slow bus or a retry storm): skip missed polls instead of bursting to catch up.
                due[next] = now + interval;
            }

            ModbusResult result;
            try
            {
                result = Read(master, block);
                backoff = TimeSpan.FromMilliseconds(_options.ReopenMinMs);
            }
            catch (ModbusTransportException e)
            {
                failures++;
                SetLink(false, writer, failures, e.Message, master);
                Log.TransportFault(_logger, master.Transport.Description, e.Message, (long)backoff.TotalMilliseconds);
                if (ct.WaitHandle.WaitOne(backoff))
                {
                    return;
                }

                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, maxBackoff.Ticks));
                continue;
            }

            switch (result.Status)
            {
                case ModbusStatus.Ok:
                    failures = 0;
                    builder.Clear();
                    var undecodable = RegisterCodec.Decode(block, ref builder);
                    builder.SetBoolean(SignalMask.Link, true);
                    Write(writer, builder.ToSample(_clock.NowMicros));
                    SetLink(true, writer, 0, null, master);
                    problems[next] = undecodable == 0 ? null : problems[next] ?? $"{block}: a value the map {Map!.Name} does not list";
                    break;
                case ModbusStatus.SlaveException:
                    // The controller answered, so the link is up; but this map does not fit it.
                    failures = 0;
                    SetLink(true, writer, 0, null, master);
                    problems[next] ??= $"{block}: {result}";
                    break;
                default:
                    failures++;
                    if (failures >= _options.LinkLossAfterFailures)
                    {
                        SetLink(false, writer, failures, result.ToString(), master);
                    }

                    // A USB adapter unplugged and replugged under the same name can leave our descriptor dead but
                    // silent (reads time out instead of failing), and a TCP peer can vanish without a reset. While the
                    // slave stays silent, start over with a fresh port every few failures; the next poll reopens it.
                    if (failures % (_options.LinkLossAfterFailures * 2) == 0)
                    {
                        master.Transport.Close();
                    }

                    break;
            }

            reportedProblem = ReportProblems(problems, reportedProblem, health);
            if (healthLogEvery > 0 && Stopwatch.GetTimestamp() >= nextHealthLog)
            {
                nextHealthLog += healthLogEvery;
                Log.Health(_logger, master.Health.For(_slave).Snapshot().ToString());
            }
        }
    }

    private ModbusResult Read(ModbusMaster master, ReadBlock block) => block.Table switch
    {
        RegisterTable.Coil => master.ReadCoils(_slave, block.Start, (ushort)block.Count, block.Bits),
        RegisterTable.DiscreteInput => master.ReadDiscreteInputs(_slave, block.Start, (ushort)block.Count, block.Bits),
        RegisterTable.InputRegister => master.ReadInputRegisters(_slave, block.Start, (ushort)block.Count, block.Registers),
        _ => master.ReadHoldingRegisters(_slave, block.Start, (ushort)block.Count, block.Registers),
    };

    private void SetLink(bool up, ISampleWriter writer, int failures, string? why, ModbusMaster master)
    {
        var state = up ? 1 : 0;
        if (_linkState == state)
        {
            return;
        }

        _linkState = state;
        if (up)
        {
            Log.LinkUp(_logger, _slave, master.Transport.Description);
        }
        else
        {
            Log.LinkLost(_logger, _slave, master.Transport.Description, failures, why ?? "");
            Write(writer, LiftSample.Input(_clock.NowMicros, SignalMask.Link, false));
        }
    }

    private void Write(ISampleWriter writer, in LiftSample sample)
    {
        if (writer.TryWrite(sample))
        {
            Interlocked.Increment(ref _samplesWritten);
        }
        else
        {
            var dropped = Interlocked.Increment(ref _samplesDropped);
            Log.SampleDropped(_logger, dropped);
        }
    }

    /// <summary>Reports the first block problem as a sensor fault, and its end; only on change, so nothing allocates in steady state.</summary>
    private string? ReportProblems(string?[] problems, string? reported, ISensorHealthReporter health)
    {
        string? current = null;
        foreach (var p in problems)
        {
            if (p is not null)
            {
                current = p;
                break;
            }
        }

        if (ReferenceEquals(current, reported))
        {
            return reported;
        }

        if (current is not null)
        {
            Log.SlaveProblem(_logger, _slave, current);
        }

        health.Report(SensorName, current);
        return current;
    }
}
