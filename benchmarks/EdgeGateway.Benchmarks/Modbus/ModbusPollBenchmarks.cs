using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using EdgeGateway.Acquisition.Modbus.Master;
using EdgeGateway.Acquisition.Modbus.Transport;

namespace EdgeGateway.Benchmarks.Modbus;

/// <summary>
/// One poll (FC 03, 10 holding registers from slave 1) against Debian's pymodbus 3.0.0rc1, the same slave and settings
/// tools/bench-modbus.sh gives mbpoll: RTU 115200 8N1 over a socat pty pair, and TCP on loopback. Polls per second is
/// 1 / Mean. Allocated bytes include System.IO.Ports' own per-read allocations on Unix (RTU); TCP shows our code alone.
/// Needs socat and python3-pymodbus (tools/install-test-deps.sh).
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "BenchmarkDotNet owns the lifetime: [GlobalCleanup] disposes the masters.")]
public class ModbusPollBenchmarks
{
    private const string SlaveScript = """
        import sys, logging
        from pymodbus.server import StartSerialServer, StartTcpServer
        from pymodbus.datastore import ModbusSlaveContext, ModbusServerContext, ModbusSequentialDataBlock
        from pymodbus.transaction import ModbusRtuFramer, ModbusSocketFramer
        logging.basicConfig(level=logging.CRITICAL)
        mode, where = sys.argv[1], sys.argv[2]
        store = ModbusSlaveContext(hr=ModbusSequentialDataBlock(0, list(range(200))), zero_mode=True)
        context = ModbusServerContext(slaves={1: store}, single=False)
        print("ready", flush=True)
        if mode == "rtu":
            StartSerialServer(context=context, framer=ModbusRtuFramer, port=where, baudrate=115200, bytesize=8, parity="N", stopbits=1, timeout=0.005)
        else:
            host, port = where.rsplit(":", 1)
            StartTcpServer(context=context, framer=ModbusSocketFramer, address=(host, int(port)))
        """;

    private readonly List<Process> _processes = [];
    private readonly ushort[] _values = new ushort[10];
    private RtuModbusMaster _rtu = null!;
    private TcpModbusMaster _tcp = null!;
    private string _dir = null!;

    [GlobalSetup]
    public void Setup()
    {
        _dir = Path.Combine(Path.GetTempPath(), "edgegw-bench-" + Environment.ProcessId);
        Directory.CreateDirectory(_dir);
        var script = Path.Combine(_dir, "slave.py");
        File.WriteAllText(script, SlaveScript);
        Start("socat", "-d", "-d", $"pty,raw,echo=0,link={_dir}/a", $"pty,raw,echo=0,link={_dir}/b");
        WaitFor(() => File.Exists($"{_dir}/a") && File.Exists($"{_dir}/b"));
        Start("/usr/bin/python3", script, "rtu", $"{_dir}/a");
        var port = FreePort();
        Start("/usr/bin/python3", script, "tcp", $"127.0.0.1:{port}");
        Thread.Sleep(1500);
        _rtu = new RtuModbusMaster(new SerialPortTransport(new SerialSettings($"{_dir}/b", 115200)), 115200);
        _tcp = new TcpModbusMaster(new TcpTransport("127.0.0.1", port, TimeSpan.FromSeconds(2)));
        WaitFor(() => _rtu.ReadHoldingRegisters(1, 0, 10, _values).IsOk);
        WaitFor(() => _tcp.ReadHoldingRegisters(1, 0, 10, _values).IsOk);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _rtu.Dispose();
        _tcp.Dispose();
        foreach (var p in _processes)
        {
            if (!p.HasExited)
            {
                p.Kill();
                p.WaitForExit(5000);
            }

            p.Dispose();
        }

        Directory.Delete(_dir, recursive: true);
    }

    [Benchmark]
    public bool Rtu_poll_10_registers_pymodbus() => _rtu.ReadHoldingRegisters(1, 0, 10, _values).IsOk;

    [Benchmark]
    public bool Tcp_poll_10_registers_pymodbus() => _tcp.ReadHoldingRegisters(1, 0, 10, _values).IsOk;

    private void Start(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        var p = Process.Start(info) ?? throw new InvalidOperationException($"{file} did not start");
        p.OutputDataReceived += (_, _) => { };
        p.ErrorDataReceived += (_, _) => { };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        _processes.Add(p);
    }

    private static void WaitFor(Func<bool> condition)
    {
        var deadline = Stopwatch.GetTimestamp() + (15 * Stopwatch.Frequency);
        while (!condition())
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new TimeoutException("Benchmark peer did not come up (socat, python3-pymodbus installed?).");
            }

            Thread.Sleep(50);
        }
    }

    private static int FreePort()
    {
        using var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        l.Start();
        return ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
    }
}
