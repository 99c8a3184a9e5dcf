using System.Net;
using System.Net.Sockets;

namespace EdgeGateway.Acquisition.Modbus.Transport;

/// <summary>
/// A Modbus TCP connection (Modbus Messaging on TCP/IP V1.0b). Reads wait with <see cref="Socket.Poll(int, SelectMode)"/>
/// so silence returns 0 without an exception; a closed or reset connection is a <see cref="ModbusTransportException"/>.
/// </summary>
public sealed class TcpTransport : IModbusTransport
{
    private readonly string _host;
    private readonly int _port;
    private readonly TimeSpan _connectTimeout;
    private Socket? _socket;

    public TcpTransport(string host, int port, TimeSpan connectTimeout)
    {
        _host = host;
        _port = port;
        _connectTimeout = connectTimeout;
        Description = $"{host}:{port}";
    }

    public string Description { get; }

    public bool IsOpen => _socket is { Connected: true };

    public void Open()
    {
        Close();
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using var timeout = new CancellationTokenSource(_connectTimeout);
            if (IPAddress.TryParse(_host, out var address))
            {
                socket.ConnectAsync(new IPEndPoint(address, _port), timeout.Token).AsTask().GetAwaiter().GetResult();
            }
            else
            {
                socket.ConnectAsync(_host, _port, timeout.Token).AsTask().GetAwaiter().GetResult();
            }

            _socket = socket;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or IOException)
        {
            socket.Dispose();
            var reason = e is OperationCanceledException ? $"no connection within {_connectTimeout.TotalMilliseconds:0} ms" : e.Message;
            throw new ModbusTransportException($"Modbus TCP {Description}: cannot connect ({reason}).", e);
        }
    }

    public void Close()
    {
        var socket = _socket;
        _socket = null;
        socket?.Dispose();
    }

    public void Write(ReadOnlySpan<byte> data)
    {
        var socket = RequireSocket();
        while (!data.IsEmpty)
        {
            var sent = socket.Send(data, SocketFlags.None, out var error);
            if (error != SocketError.Success || sent <= 0)
            {
                throw Fault($"send failed ({error})");
            }

            data = data[sent..];
        }
    }

    public int Read(Span<byte> buffer, TimeSpan timeout)
    {
        var socket = RequireSocket();
        var micros = (int)Math.Clamp(timeout.Ticks / 10, 0, int.MaxValue);
        bool readable;
        try
        {
            readable = socket.Poll(micros, SelectMode.SelectRead);
        }
        catch (SocketException e)
        {
            throw Fault($"poll failed ({e.SocketErrorCode})");
        }

        if (!readable)
        {
            return 0;
        }

        var read = socket.Receive(buffer, SocketFlags.None, out var error);
        if (error != SocketError.Success)
        {
            throw Fault($"receive failed ({error})");
        }

        // Readable with nothing to read is the peer's orderly close.
        return read > 0 ? read : throw Fault("connection closed by the server");
    }

    public void DiscardInput()
    {
        var socket = RequireSocket();
        Span<byte> scratch = stackalloc byte[256];
        while (socket.Available > 0)
        {
            var read = socket.Receive(scratch, SocketFlags.None, out var error);
            if (error != SocketError.Success || read <= 0)
            {
                throw Fault($"receive failed ({error})");
            }
        }
    }

    public void Dispose() => Close();

    private Socket RequireSocket() =>
        _socket ?? throw new ModbusTransportException($"Modbus TCP {Description}: not connected.");

    private ModbusTransportException Fault(string what)
    {
        Close();
        return new ModbusTransportException($"Modbus TCP {Description}: {what}.");
    }
}
