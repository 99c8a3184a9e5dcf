using System.Net;
using System.Net.Sockets;
using EdgeGateway.Acquisition.Modbus.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeGateway.Acquisition.Modbus.Slave;

/// <summary>
/// Serves one <see cref="ModbusSlave"/> over Modbus TCP. Binds 127.0.0.1 unless told otherwise (local endpoints are
/// loopback by default). Requests for another unit id get exception 0B (gateway target failed to respond, §7); unit
/// 0 and 255 address the server itself (Modbus Messaging on TCP/IP §4.4.2).
/// </summary>
public sealed class ModbusTcpSlaveServer : IAsyncDisposable
{
    private readonly ModbusSlave _slave;
    private readonly TcpListener _listener;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _connections = [];
    private Task? _acceptLoop;

    public ModbusTcpSlaveServer(ModbusSlave slave, IPEndPoint? endpoint = null, ILogger? logger = null)
    {
        _slave = slave;
        _listener = new TcpListener(endpoint ?? new IPEndPoint(IPAddress.Loopback, 0));
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The bound endpoint (with the actual port when 0 was asked for); valid after <see cref="Start"/>.</summary>
    public IPEndPoint Endpoint => (IPEndPoint)_listener.LocalEndpoint;

    public void Start()
    {
        _listener.Start();
        _acceptLoop = Task.Run(AcceptLoopAsync);
        Log.SlaveServing(_logger, "TCP", Endpoint.ToString(), _slave.SlaveId);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        if (_acceptLoop is not null)
        {
            await _acceptLoop.ConfigureAwait(false);
        }

        Task[] connections;
        lock (_connections)
        {
            connections = [.. _connections];
        }

        await Task.WhenAll(connections).ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            var task = Task.Run(() => ServeAsync(client));
            lock (_connections)
            {
                _connections.RemoveAll(t => t.IsCompleted);
                _connections.Add(task);
            }
        }
    }

    private async Task ServeAsync(Socket client)
    {
        using var _ = client;
        client.NoDelay = true;
        var request = new byte[ModbusLimits.MaxTcpFrameLength];
        var response = new byte[ModbusLimits.MaxTcpFrameLength];
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                if (!await ReceiveExactlyAsync(client, request.AsMemory(0, ModbusLimits.MbapHeaderLength)).ConfigureAwait(false))
                {
                    return;
                }

                if (MbapHeader.TryRead(request, out var tid, out var unit, out var pduLength) != ModbusFrameError.None)
                {
                    // Out of step: a Modbus TCP server closes the connection (Implementation Guide §4.4.1.1).
                    return;
                }

                if (!await ReceiveExactlyAsync(client, request.AsMemory(ModbusLimits.MbapHeaderLength, pduLength)).ConfigureAwait(false))
                {
                    return;
                }

                int length;
                if (unit == _slave.SlaveId || unit is 0 or 255)
                {
                    length = _slave.Handle(request.AsSpan(ModbusLimits.MbapHeaderLength, pduLength), response.AsSpan(ModbusLimits.MbapHeaderLength));
                    if (length == 0)
                    {
                        continue;
                    }
                }
                else
                {
                    response[ModbusLimits.MbapHeaderLength] = (byte)(request[ModbusLimits.MbapHeaderLength] | ModbusPdu.ExceptionFlag);
                    response[ModbusLimits.MbapHeaderLength + 1] = (byte)ModbusExceptionCode.GatewayTargetDeviceFailedToRespond;
                    length = 2;
                }

                MbapHeader.Write(response, tid, unit, length);
                await client.SendAsync(response.AsMemory(0, ModbusLimits.MbapHeaderLength + length), SocketFlags.None, _stop.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // The client went away or the server is stopping.
        }
    }

    private async Task<bool> ReceiveExactlyAsync(Socket client, Memory<byte> buffer)
    {
        var got = 0;
        while (got < buffer.Length)
        {
            var read = await client.ReceiveAsync(buffer[got..], SocketFlags.None, _stop.Token).ConfigureAwait(false);
            if (read == 0)
            {
                return false;
            }

            got += read;
        }

        return true;
    }
}
