using System.IO.Ports;
using EdgeGateway.Acquisition.Modbus.Master;
using EdgeGateway.Acquisition.Modbus.Protocol;
using EdgeGateway.Acquisition.Modbus.Transport;

namespace EdgeGateway.Acquisition.Modbus.Probing;

/// <summary>What to try and for how long.</summary>
public sealed record ModbusProbeOptions
{
    /// <summary>Most lift controllers run 9600 or 19200; faster rates next, slow ones last.</summary>
    public IReadOnlyList<int> BaudRates { get; init; } = [19200, 9600, 38400, 57600, 115200, 4800, 2400];

    /// <summary>The serial line spec's default is even (§2.5.1); none is the most common in practice.</summary>
    public IReadOnlyList<Parity> Parities { get; init; } = [Parity.Even, Parity.None, Parity.Odd];

    public int FirstSlaveId { get; init; } = 1;

    public int LastSlaveId { get; init; } = ModbusLimits.MaxSlaveAddress;

    /// <summary>Slave ids 1..QuickIds are tried at every setting before the rest: installers rarely change the default.</summary>
    public int QuickIds { get; init; } = 5;

    /// <summary>How long one slave id gets to answer.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The whole scan stops after this, whatever is left.</summary>
    public TimeSpan TotalBudget { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Once some setting answers, finish the ids at that setting and stop (a bus has one line setting).</summary>
    public bool StopAtFirstAnsweringSetting { get; init; } = true;

    /// <summary>The sample read shown for each device found: holding registers from this address.</summary>
    public ushort SampleAddress { get; init; }

    public ushort SampleCount { get; init; } = 10;
}

/// <summary>One device that answered.</summary>
/// <param name="Settings">"19200 8E1" for serial, "host:port" for TCP.</param>
/// <param name="Answer">How it answered the presence check: ok, or an exception (an exception proves a device too).</param>
/// <param name="SampleTable">"holding" or "input": which table the sample came from.</param>
public sealed record ModbusProbeHit(string Settings, byte SlaveId, ModbusResult Answer, string SampleTable, ushort[] Sample, ModbusResult SampleResult);

public sealed record ModbusProbeReport(
    string Target,
    IReadOnlyList<ModbusProbeHit> Hits,
    IReadOnlyList<string> Notes,
    int Attempts,
    TimeSpan Elapsed,
    bool BudgetExhausted);

/// <summary>
/// Finds Modbus devices for installers: tries line settings (baud, parity) and slave ids within a total time budget
/// and reads a sample from each device that answers. Any answer counts, exception responses included (a device that
/// says ILLEGAL DATA ADDRESS is there). Garbled frames at a setting are noted: bytes arrive, so the wiring is right but
/// the baud rate or parity is not.
/// </summary>
public static class ModbusProbe
{
    public static ModbusProbeReport ScanSerial(
        string port,
        ModbusProbeOptions options,
        Func<SerialSettings, IModbusTransport>? transportFactory = null,
        TimeProvider? time = null,
        IProgress<string>? progress = null,
        CancellationToken cancellationToken = default)
    {
        transportFactory ??= s => new SerialPortTransport(s);
        time ??= TimeProvider.System;
        var started = time.GetTimestamp();
        var hits = new List<ModbusProbeHit>();
        var notes = new List<string>();
        var attempts = 0;
        var exhausted = false;
        var settings = (from baud in options.BaudRates from parity in options.Parities select new SerialSettings(port, baud, parity)).ToList();
        var quickLast = Math.Min(options.LastSlaveId, options.FirstSlaveId + options.QuickIds - 1);
        var garbled = new int[settings.Count];
        var answered = new bool[settings.Count];

        // Pass 1: the usual ids at every setting; pass 2: every other id, at the settings that answered first if any.
        foreach (var (from, to) in new[] { (options.FirstSlaveId, quickLast), (quickLast + 1, options.LastSlaveId) })
        {
            if (from > to)
            {
                continue;
            }

            for (var s = 0; s < settings.Count && !exhausted; s++)
            {
                if (hits.Count > 0 && options.StopAtFirstAnsweringSetting && !answered[s])
                {
                    continue;
                }

                var setting = settings[s];
                progress?.Report($"{setting.BaudRate} {setting.Framing}: slave ids {from}..{to}");
                using var master = new RtuModbusMaster(transportFactory(setting), setting.BaudRate, AttemptOptions(options));
                for (var id = from; id <= to; id++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (time.GetElapsedTime(started) >= options.TotalBudget)
                    {
                        exhausted = true;
                        break;
                    }

                    attempts++;
                    var hit = TryDevice(master, (byte)id, $"{setting.BaudRate} {setting.Framing}", options);
                    if (hit is not null)
                    {
                        hits.Add(hit);
                        answered[s] = true;
                        progress?.Report($"found slave {id} at {hit.Settings}");
                    }
                }

                garbled[s] += (int)master.Health.SnapshotAll().Sum(h => h.CrcErrors + h.InvalidResponses);
            }
        }

        for (var s = 0; s < settings.Count; s++)
        {
            if (garbled[s] > 0 && !answered[s])
            {
                notes.Add($"{settings[s].BaudRate} {settings[s].Framing}: {garbled[s]} garbled frame(s): something is on the line; the baud rate or parity may be wrong.");
            }
        }

        if (exhausted)
        {
            notes.Add($"Stopped after the {options.TotalBudget.TotalSeconds:0} s budget; not every setting and slave id was tried.");
        }

        return new ModbusProbeReport(port, hits, notes, attempts, time.GetElapsedTime(started), exhausted);
    }

    public static ModbusProbeReport ScanTcp(
        string host,
        int port,
        ModbusProbeOptions options,
        Func<IModbusTransport>? transportFactory = null,
        TimeProvider? time = null,
        IProgress<string>? progress = null,
        CancellationToken cancellationToken = default)
    {
        transportFactory ??= () => new TcpTransport(host, port, TimeSpan.FromSeconds(3));
        time ??= TimeProvider.System;
        var started = time.GetTimestamp();
        var target = $"{host}:{port}";
        var hits = new List<ModbusProbeHit>();
        var notes = new List<string>();
        var attempts = 0;
        var exhausted = false;
        using var master = new TcpModbusMaster(transportFactory(), AttemptOptions(options));
        progress?.Report($"{target}: unit ids {options.FirstSlaveId}..{options.LastSlaveId}");
        // Modbus TCP §4.4.2: 255 (or 0) addresses the server itself; try it first, then the ids a gateway forwards to.
        var ids = new List<int> { 255 };
        for (var id = options.FirstSlaveId; id <= options.LastSlaveId; id++)
        {
            ids.Add(id);
        }

        foreach (var id in ids)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (time.GetElapsedTime(started) >= options.TotalBudget)
            {
                exhausted = true;
                notes.Add($"Stopped after the {options.TotalBudget.TotalSeconds:0} s budget; not every unit id was tried.");
                break;
            }

            attempts++;
            var hit = TryDevice(master, (byte)id, target, options);
            // A gateway answers for ids it cannot reach with 0A/0B: that is the gateway, not a device.
            if (hit is not null && hit.Answer.ExceptionCode is not (ModbusExceptionCode.GatewayPathUnavailable or ModbusExceptionCode.GatewayTargetDeviceFailedToRespond))
            {
                hits.Add(hit);
                progress?.Report($"found unit {id} at {target}");
            }
        }

        return new ModbusProbeReport(target, hits, notes, attempts, time.GetElapsedTime(started), exhausted);
    }

    private static ModbusMasterOptions AttemptOptions(ModbusProbeOptions options) => new()
    {
        ResponseTimeout = options.AttemptTimeout,
        Retries = 0,
        FrameCompletionAllowance = TimeSpan.FromMilliseconds(Math.Max(20, options.AttemptTimeout.TotalMilliseconds / 2)),
    };

    private static ModbusProbeHit? TryDevice(ModbusMaster master, byte id, string settings, ModbusProbeOptions options)
    {
        var one = new ushort[1];
        var answer = master.ReadHoldingRegisters(id, options.SampleAddress, 1, one);
        if (answer.Status is ModbusStatus.Timeout or ModbusStatus.InvalidResponse)
        {
            return null;
        }

        var count = (ushort)Math.Clamp((int)options.SampleCount, 1, ModbusLimits.MaxReadRegisters);
        var sample = new ushort[count];
        var table = "holding";
        var sampleResult = master.ReadHoldingRegisters(id, options.SampleAddress, count, sample);
        if (!sampleResult.IsOk)
        {
            // Some controllers keep their data in input registers only.
            var input = master.ReadInputRegisters(id, options.SampleAddress, count, sample);
            if (input.IsOk || sampleResult.Status != ModbusStatus.SlaveException)
            {
                table = "input";
                sampleResult = input;
            }
        }

        return new ModbusProbeHit(settings, id, answer, table, sampleResult.IsOk ? sample : [], sampleResult);
    }
}
