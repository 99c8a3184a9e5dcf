using System.Diagnostics;
using System.Net.Sockets;

namespace EdgeGateway.Testing.Modbus;

/// <summary>
/// An independent Modbus slave: Debian's python3-pymodbus (3.0.0rc1, only under /usr/bin/python3) serving RTU on a
/// serial device or TCP on a loopback port. Its data: holding register i = i, input register i = 1000 + i,
/// coil i = (i odd), discrete input i = (i % 4 != 1), for addresses 0..199; anything beyond is ILLEGAL DATA ADDRESS.
/// </summary>
public sealed class PymodbusSlave : IDisposable
{
    public const int TableSize = 200;

    private const string Script = """
        import sys, logging
        from pymodbus.server import StartSerialServer, StartTcpServer
        from pymodbus.datastore import ModbusSlaveContext, ModbusServerContext, ModbusSequentialDataBlock
        from pymodbus.transaction import ModbusRtuFramer, ModbusSocketFramer
        logging.basicConfig(level=logging.CRITICAL)
        mode, where, slaves, baud = sys.argv[1], sys.argv[2], [int(s) for s in sys.argv[3].split(",")], int(sys.argv[4])
        def store():
            return ModbusSlaveContext(
                co=ModbusSequentialDataBlock(0, [i % 2 == 1 for i in range(200)]),
                di=ModbusSequentialDataBlock(0, [i % 4 != 1 for i in range(200)]),
                hr=ModbusSequentialDataBlock(0, list(range(200))),
                ir=ModbusSequentialDataBlock(0, [1000 + i for i in range(200)]),
                zero_mode=True)
        context = ModbusServerContext(slaves={s: store() for s in slaves}, single=False)
        print("ready", flush=True)
        if mode == "rtu":
            StartSerialServer(context=context, framer=ModbusRtuFramer, port=where, baudrate=baud, bytesize=8, parity="N", stopbits=1, timeout=0.005, broadcast_enable=True, ignore_missing_slaves=True)
        else:
            host, port = where.rsplit(":", 1)
            StartTcpServer(context=context, framer=ModbusSocketFramer, address=(host, int(port)))
        """;

    private static readonly Lazy<string> ScriptPath = new(() =>
    {
        var path = Path.Combine(Path.GetTempPath(), $"edgegw-pymodbus-slave-{Environment.ProcessId}.py");
        File.WriteAllText(path, Script);
        return path;
    });

    private readonly string[] _args;
    private Process? _process;

    private PymodbusSlave(string[] args, int? tcpPort)
    {
        _args = args;
        TcpPort = tcpPort;
        Start();
    }

    public int? TcpPort { get; }

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>RTU on <paramref name="device"/> (one end of a <see cref="SocatPtyPair"/>), 8N1.</summary>
    public static PymodbusSlave Rtu(string device, int baudRate = 115200, params int[] slaveIds) =>
        new(["rtu", device, Ids(slaveIds), baudRate.ToString(System.Globalization.CultureInfo.InvariantCulture)], null);

    /// <summary>TCP on 127.0.0.1 and a free port.</summary>
    public static PymodbusSlave Tcp(params int[] slaveIds)
    {
        var port = LoopbackPorts.Free();
        return new(["tcp", $"127.0.0.1:{port}", Ids(slaveIds), "0"], port);
    }

    public void Start()
    {
        if (IsRunning)
        {
            return;
        }

        var info = new ProcessStartInfo("/usr/bin/python3")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(ScriptPath.Value);
        foreach (var a in _args)
        {
            info.ArgumentList.Add(a);
        }

        _process = Process.Start(info) ?? throw new InvalidOperationException("python3 did not start");
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginErrorReadLine();
        var ready = _process.StandardOutput.ReadLineAsync();
        if (!ready.Wait(TimeSpan.FromSeconds(15)) || ready.Result != "ready")
        {
            Stop();
            throw new InvalidOperationException("pymodbus slave did not start (is python3-pymodbus installed? tools/install-test-deps.sh)");
        }

        WaitUntilServing();
    }

    public void Stop()
    {
        var p = _process;
        _process = null;
        if (p is null)
        {
            return;
        }

        if (!p.HasExited)
        {
            p.Kill();
            p.WaitForExit(5000);
        }

        p.Dispose();
    }

    public void Dispose() => Stop();

    private void WaitUntilServing()
    {
        var deadline = Stopwatch.GetTimestamp() + (10 * Stopwatch.Frequency);
        if (TcpPort is { } port)
        {
            while (true)
            {
                try
                {
                    using var probe = new TcpClient();
                    probe.Connect("127.0.0.1", port);
                    return;
                }
                catch (SocketException) when (Stopwatch.GetTimestamp() < deadline && IsRunning)
                {
                    Thread.Sleep(20);
                }
            }
        }

        // The serial server opens its port right after printing "ready"; give the event loop a moment.
        Thread.Sleep(300);
    }

    private static string Ids(int[] ids) => ids.Length == 0 ? "1" : string.Join(",", ids);
}

public static class LoopbackPorts
{
    /// <summary>A TCP port on 127.0.0.1 free at the moment of asking.</summary>
    public static int Free()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
