using System.Diagnostics;
using EdgeGateway.Acquisition.Modbus.Protocol;
using EdgeGateway.Acquisition.Modbus.Transport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeGateway.Acquisition.Modbus.Slave;

/// <summary>
/// Serves one <see cref="ModbusSlave"/> over Modbus RTU on a serial transport (a real port or one end of a socat pty
/// pair). Requests are framed by their function code's length and checked by CRC; frames for other addresses are
/// ignored (they belong to other slaves on the bus), broadcasts (address 0) are executed without a reply (§2.2).
/// A port that vanishes is reopened with a short backoff until the server is stopped.
/// </summary>
public sealed class ModbusRtuSlaveServer : IAsyncDisposable
{
    private static readonly TimeSpan PollSlice = TimeSpan.FromMilliseconds(50);

    private readonly ModbusSlave _slave;
    private readonly IModbusTransport _transport;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly byte[] _rx = new byte[ModbusLimits.MaxRtuFrameLength * 2];
    private readonly byte[] _tx = new byte[ModbusLimits.MaxRtuFrameLength];
    private readonly RtuTiming _timing;
    private Thread? _thread;

    public ModbusRtuSlaveServer(ModbusSlave slave, IModbusTransport transport, int baudRate, ILogger? logger = null)
    {
        _slave = slave;
        _transport = transport;
        _timing = RtuTiming.ForBaudRate(baudRate);
        _logger = logger ?? NullLogger.Instance;
    }

    public long FramesRejected { get; private set; }

    public void Start()
    {
        _thread = new Thread(Run) { IsBackground = true, Name = "modbus-rtu-slave" };
        _thread.Start();
        Log.SlaveServing(_logger, "RTU", _transport.Description, _slave.SlaveId);
    }

    public ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _thread?.Join(TimeSpan.FromSeconds(5));
        _transport.Dispose();
        _stop.Dispose();
        return ValueTask.CompletedTask;
    }

    private void Run()
    {
        var backoff = TimeSpan.FromMilliseconds(100);
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                if (!_transport.IsOpen)
                {
                    _transport.Open();
                    backoff = TimeSpan.FromMilliseconds(100);
                }

                ServeOneFrame();
            }
            catch (ModbusTransportException e)
            {
                Log.SlaveTransportFault(_logger, _transport.Description, e.Message);
                _transport.Close();
                _stop.Token.WaitHandle.WaitOne(backoff);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(2).Ticks));
            }
        }

        _transport.Close();
    }

    private void ServeOneFrame()
    {
        var got = _transport.Read(_rx, PollSlice);
        if (got == 0)
        {
            return;
        }

        // Read on until the request is complete by its length, or the line falls silent (a truncated frame).
        var gap = TimeSpan.FromTicks(Math.Max((long)(_timing.InterFrameMicros * 10), TimeSpan.FromMilliseconds(20).Ticks));
        while (true)
        {
            var pduLength = got >= 2 ? ModbusSlave.ExpectedRequestLength(_rx.AsSpan(1, got - 1)) : -1;
            if (pduLength == 0)
            {
                Reject();
                return;
            }

            if (pduLength > 0 && got >= 1 + pduLength + 2)
            {
                Answer(1 + pduLength + 2);
                return;
            }

            if (got >= _rx.Length)
            {
                Reject();
                return;
            }

            var more = _transport.Read(_rx.AsSpan(got), gap);
            if (more == 0)
            {
                Reject();
                return;
            }

            got += more;
        }
    }

    private void Answer(int frameLength)
    {
        var frame = _rx.AsSpan(0, frameLength);
        if (!ModbusCrc.IsValid(frame))
        {
            Reject();
            return;
        }

        var address = frame[0];
        if (address != _slave.SlaveId && address != 0)
        {
            return;
        }

        var length = _slave.Handle(frame[1..^2], _tx.AsSpan(1));
        if (address == 0 || length == 0)
        {
            return;
        }

        var total = RtuFrame.Seal(_tx, _slave.SlaveId, length);
        _transport.Write(_tx.AsSpan(0, total));
    }

    private void Reject()
    {
        FramesRejected++;
        // §2.5.1.1: a damaged frame is discarded; wait for the line to be quiet before listening for the next one.
        var quiet = TimeSpan.FromMilliseconds(Math.Max(5, _timing.InterFrameMicros / 1000 * 2));
        var started = Stopwatch.GetTimestamp();
        while (_transport.Read(_rx, quiet) > 0 && Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(1))
        {
        }
    }
}
