namespace EdgeGateway.Acquisition.Modbus.Transport;

/// <summary>
/// A byte pipe to Modbus devices: a serial port or a TCP connection. Small on purpose so the master's framing is
/// tested over real ptys and sockets alike. Steady-state calls must not allocate.
/// Faults of the medium (port vanished, connection reset) throw <see cref="ModbusTransportException"/>;
/// silence is not a fault (<see cref="Read"/> returns 0).
/// </summary>
public interface IModbusTransport : IDisposable
{
    /// <summary>What this transport talks to, for logs and errors: "/dev/ttyUSB0 19200 8N1", "127.0.0.1:502".</summary>
    string Description { get; }

    bool IsOpen { get; }

    void Open();

    /// <summary>Releases the port or socket; safe to call when already closed. <see cref="Open"/> may follow.</summary>
    void Close();

    void Write(ReadOnlySpan<byte> data);

    /// <summary>Reads what is available, waiting up to <paramref name="timeout"/> for the first byte; 0 when nothing came.</summary>
    int Read(Span<byte> buffer, TimeSpan timeout);

    /// <summary>Drops whatever is buffered on the receive side (late answers to earlier requests, line noise).</summary>
    void DiscardInput();
}

/// <summary>The medium failed: the serial device is gone or unusable, the TCP connection broke or was refused.</summary>
public sealed class ModbusTransportException : IOException
{
    public ModbusTransportException()
    {
    }

    public ModbusTransportException(string message)
        : base(message)
    {
    }

    public ModbusTransportException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
