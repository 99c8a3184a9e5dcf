using System.Diagnostics;
using EdgeGateway.Acquisition.Modbus.Health;
using EdgeGateway.Acquisition.Modbus.Protocol;
using EdgeGateway.Acquisition.Modbus.Transport;

namespace EdgeGateway.Acquisition.Modbus.Master;

/// <summary>
/// Modbus RTU master (Modbus over Serial Line V1.02). Keeps the bus silent for t3.5 (plus the turnaround delay)
/// before each request (§2.5.1.1), drops the local echo of half-duplex adapters, reads a response up to the length
/// its function code implies, checks the CRC (§6.2.2) and the slave address, and after garbage waits for t3.5 of
/// silence so the next frame starts clean.
/// </summary>
public sealed class RtuModbusMaster : ModbusMaster
{
    private readonly byte[] _tx = new byte[ModbusLimits.MaxRtuFrameLength];
    private readonly byte[] _rx = new byte[ModbusLimits.MaxRtuFrameLength];
    private readonly byte[] _echo = new byte[ModbusLimits.MaxRtuFrameLength];
    private readonly RtuTiming _timing;
    private long _busQuietAfter;

    /// <param name="baudRate">The line's baud rate: it sets t1.5/t3.5 and the wire time of a frame.</param>
    public RtuModbusMaster(IModbusTransport transport, int baudRate, ModbusMasterOptions? options = null, ModbusHealthRegistry? health = null)
        : base(transport, options ?? new ModbusMasterOptions(), health)
    {
        _timing = RtuTiming.ForBaudRate(baudRate);
    }

    public RtuTiming Timing => _timing;

    protected override Span<byte> RequestPdu => _tx.AsSpan(1);

    protected override ModbusResult Transact(byte slave, int pduLength, out ReadOnlySpan<byte> response)
    {
        response = default;
        var frameLength = RtuFrame.Seal(_tx, slave, pduLength);
        WaitUntil(_busQuietAfter);
        Transport.DiscardInput();
        var sent = Stopwatch.GetTimestamp();
        Transport.Write(_tx.AsSpan(0, frameLength));
        var wireEnd = sent + MicrosToTicks(_timing.TransmitMicros(frameLength));

        if (Options.SuppressLocalEcho)
        {
            var echoDeadline = wireEnd + ToTicks(Options.FrameCompletionAllowance);
            var echoed = ReadUntil(_echo.AsSpan(0, frameLength), frameLength, echoDeadline);
            if (echoed < frameLength || !_echo.AsSpan(0, frameLength).SequenceEqual(_tx.AsSpan(0, frameLength)))
            {
                DrainUntilSilent();
                return ModbusResult.Invalid(echoed == 0 ? ModbusFrameError.Truncated : ModbusFrameError.EchoMismatch);
            }
        }

        if (slave == 0)
        {
            // §2.4.1: no reply to a broadcast; give every slave the turnaround delay to act on it.
            _busQuietAfter = wireEnd + ToTicks(Options.BroadcastTurnaroundDelay);
            return ModbusResult.Success;
        }

        var result = ReceiveResponse(slave, wireEnd, out var length);
        _busQuietAfter = Stopwatch.GetTimestamp() + MicrosToTicks(_timing.InterFrameMicros) + ToTicks(Options.TurnaroundDelay);
        if (result.IsOk)
        {
            response = _rx.AsSpan(1, length - 3);
        }

        return result;
    }

    private ModbusResult ReceiveResponse(byte slave, long wireEnd, out int length)
    {
        length = 0;
        var rx = _rx.AsSpan();
        // The response timeout runs from the end of our request on the wire, not from the Write call.
        var firstByteDeadline = wireEnd + ToTicks(Options.ResponseTimeout);
        var got = ReadUntil(rx, 2, firstByteDeadline);
        if (got == 0)
        {
            return ModbusResult.NoResponse;
        }

        var completionDeadline = Stopwatch.GetTimestamp() + MicrosToTicks(_timing.TransmitMicros(ModbusLimits.MaxRtuFrameLength)) +
                                 ToTicks(Options.FrameCompletionAllowance);
        if (got < 2)
        {
            got += ReadUntil(rx[got..], 2 - got, completionDeadline);
        }

        // The PDU length follows from the function code (and a read's byte count): address + PDU + CRC.
        var pduLength = -1;
        while (got >= 2)
        {
            pduLength = ModbusPdu.ExpectedResponseLength(rx[1..got]);
            if (pduLength != -1)
            {
                break;
            }

            var more = ReadUntil(rx[got..], 1, completionDeadline);
            if (more == 0)
            {
                break;
            }

            got += more;
        }

        if (pduLength <= 0)
        {
            DrainUntilSilent();
            return ModbusResult.Invalid(pduLength == 0 ? ModbusFrameError.UnknownFunction : ModbusFrameError.Truncated);
        }

        var frameLength = 1 + pduLength + 2;
        if (got < frameLength)
        {
            got += ReadUntil(rx[got..frameLength], frameLength - got, completionDeadline);
        }

        if (got < frameLength)
        {
            DrainUntilSilent();
            return ModbusResult.Invalid(ModbusFrameError.Truncated);
        }

        var error = RtuFrame.TryOpen(rx[..frameLength], slave, out _);
        if (error != ModbusFrameError.None || got > frameLength)
        {
            // A frame that does not check out, or bytes beyond it: the line is noisy; let it fall silent first.
            DrainUntilSilent();
            return ModbusResult.Invalid(error != ModbusFrameError.None ? error : ModbusFrameError.WrongLength);
        }

        length = frameLength;
        return ModbusResult.Success;
    }

    /// <summary>Reads until <paramref name="want"/> bytes are in or the deadline passes; returns how many came.</summary>
    private int ReadUntil(Span<byte> buffer, int want, long deadline)
    {
        var got = 0;
        while (got < want)
        {
            var remaining = deadline - Stopwatch.GetTimestamp();
            if (remaining <= 0)
            {
                break;
            }

            var read = Transport.Read(buffer[got..], TimeSpan.FromTicks(remaining * TimeSpan.TicksPerSecond / Stopwatch.Frequency));
            if (read == 0)
            {
                break;
            }

            got += read;
        }

        return got;
    }

    /// <summary>§2.5.1.1: a new frame starts only after t3.5 of silence. Reads and drops bytes until the line is quiet.</summary>
    private void DrainUntilSilent()
    {
        Span<byte> scratch = stackalloc byte[64];
        var quiet = TimeSpan.FromTicks(Math.Max(MicrosToTicks(_timing.InterFrameMicros) * TimeSpan.TicksPerSecond / Stopwatch.Frequency,
            Options.FrameCompletionAllowance.Ticks / 5));
        // Bounded: a line that never falls silent is abandoned after one full frame allowance.
        var giveUp = Stopwatch.GetTimestamp() + ToTicks(Options.FrameCompletionAllowance) + MicrosToTicks(_timing.TransmitMicros(ModbusLimits.MaxRtuFrameLength));
        while (Stopwatch.GetTimestamp() < giveUp && Transport.Read(scratch, quiet) > 0)
        {
        }
    }

    /// <summary>Waits for a bus instant: sleeps while far away, spins for the last stretch (t3.5 is 1.75 ms at high baud).</summary>
    private static void WaitUntil(long timestamp)
    {
        var spin = new SpinWait();
        while (true)
        {
            var remaining = timestamp - Stopwatch.GetTimestamp();
            if (remaining <= 0)
            {
                return;
            }

            if (remaining > Stopwatch.Frequency / 500)
            {
                Thread.Sleep(1);
            }
            else
            {
                spin.SpinOnce(sleep1Threshold: -1);
            }
        }
    }

    private static long MicrosToTicks(double micros) => (long)(micros * Stopwatch.Frequency / 1_000_000.0);

    private static long ToTicks(TimeSpan span) => span.Ticks * Stopwatch.Frequency / TimeSpan.TicksPerSecond;
}
