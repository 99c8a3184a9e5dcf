using System.IO.Ports;

namespace EdgeGateway.Acquisition.Modbus.Transport;

/// <summary>
/// A serial port through System.IO.Ports. The port object is created in <see cref="Open"/> and disposed in
/// <see cref="Close"/>, so a USB adapter that vanishes and returns is reopened from scratch without leaking
/// handles or the port's I/O thread.
/// </summary>
public sealed class SerialPortTransport : IModbusTransport
{
    private readonly SerialSettings _settings;
    private readonly byte[] _buffer = new byte[512];
    private SerialPort? _port;

    public SerialPortTransport(SerialSettings settings)
    {
        _settings = settings;
        Description = settings.ToString();
    }

    public string Description { get; }

    public bool IsOpen => _port is { IsOpen: true };

    public SerialSettings Settings => _settings;

    public void Open()
    {
        Close();
        // A socat pty or udev alias is a symlink; the port layer wants the device node itself.
        var path = ResolveDevicePath(_settings.PortName);
        if (!File.Exists(path))
        {
            throw new ModbusTransportException($"Serial port {_settings.PortName}: device not found.");
        }

        var port = new SerialPort(path, _settings.BaudRate, _settings.Parity, SerialSettings.DataBits, _settings.StopBits)
        {
            Handshake = Handshake.None,
            ReadTimeout = 100,
            WriteTimeout = 1000,
            ReadBufferSize = 4096,
            WriteBufferSize = 4096,
        };
        try
        {
            port.Open();
            _port = port;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
        {
            port.Dispose();
            throw new ModbusTransportException($"Serial port {Description}: cannot open ({e.Message}).", e);
        }
    }

    public void Close()
    {
        var port = _port;
        _port = null;
        if (port is null)
        {
            return;
        }

        try
        {
            port.Dispose();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            // Disposing a port whose device already vanished can fail; the handle is released either way.
        }
    }

    public void Write(ReadOnlySpan<byte> data)
    {
        var port = RequirePort();
        if (data.Length > _buffer.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(data), data.Length, "Frame longer than the transport buffer.");
        }

        data.CopyTo(_buffer);
        try
        {
            port.Write(_buffer, 0, data.Length);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or TimeoutException)
        {
            throw Fault("write failed", e);
        }
    }

    public int Read(Span<byte> buffer, TimeSpan timeout)
    {
        var port = RequirePort();
        var count = Math.Min(buffer.Length, _buffer.Length);
        try
        {
            // System.IO.Ports takes whole milliseconds; round up so a sub-millisecond wait is still a wait.
            port.ReadTimeout = Math.Max(1, (int)Math.Ceiling(timeout.TotalMilliseconds));
            var read = port.Read(_buffer, 0, count);
            _buffer.AsSpan(0, read).CopyTo(buffer);
            return read;
        }
        catch (TimeoutException)
        {
            return 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or ObjectDisposedException)
        {
            throw Fault("read failed", e);
        }
    }

    public void DiscardInput()
    {
        var port = RequirePort();
        try
        {
            if (port.BytesToRead > 0)
            {
                port.DiscardInBuffer();
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            throw Fault("discard failed", e);
        }
    }

    public void Dispose() => Close();

    private SerialPort RequirePort() =>
        _port is { IsOpen: true } port ? port : throw new ModbusTransportException($"Serial port {Description}: not open.");

    private ModbusTransportException Fault(string what, Exception e)
    {
        Close();
        return new ModbusTransportException($"Serial port {Description}: {what} ({e.Message}).", e);
    }

    private static string ResolveDevicePath(string portName)
    {
        try
        {
            var target = File.ResolveLinkTarget(portName, returnFinalTarget: true);
            return target?.FullName ?? portName;
        }
        catch (IOException)
        {
            return portName;
        }
    }
}
