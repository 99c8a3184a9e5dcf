using System.Device.I2c;
using EdgeGateway.Acquisition.Sensors.Accelerometers;

namespace EdgeGateway.Acquisition.Sensors.Simulated;

/// <summary>
/// An accelerometer as a register map behind the real <see cref="I2cDevice"/> contract: a write sets the register
/// pointer (first byte) and writes registers; a read returns registers from the pointer on, with the part's own
/// auto-increment and FIFO side effects. The outside world pushes samples in the CHIP frame with
/// <see cref="PushSample"/> at the part's output data rate, and injects faults: a NAK (after some bytes of a burst),
/// a stuck bus, or an unplugged part; replugging resets the registers to their power-on values, as a real part
/// that lost power does. Faults throw <see cref="IOException"/> as Linux i2c-dev does. Thread-safe.
/// </summary>
public abstract class SimulatedI2cChip : I2cDevice
{
    private readonly I2cConnectionSettings _settings;
    private readonly RawSample[] _fifo;
    private int _fifoHead;
    private int _fifoCount;
    private int _failTransfers;
    private int _nakAfterBytes = -1;
    private bool _stuck;

    protected SimulatedI2cChip(int busId, int address, int fifoDepth)
    {
        _settings = new I2cConnectionSettings(busId, address);
        _fifo = new RawSample[fifoDepth];
        Registers = new byte[256];
    }

    public override I2cConnectionSettings ConnectionSettings => _settings;

    public bool IsPlugged { get; private set; } = true;

    /// <summary>Samples lost to FIFO overwrite in stream mode (diagnostics).</summary>
    public long OverwrittenSamples { get; private set; }

    /// <summary>I2C transfers (write, read or combined) answered so far: the syscall count on a real bus.</summary>
    public long Transfers { get; private set; }

    /// <summary>Samples currently held in the FIFO.</summary>
    public int FifoCount
    {
        get
        {
            lock (Gate)
            {
                return _fifoCount;
            }
        }
    }

    /// <summary>The output data rate the registers select, 0 when the part is not measuring.</summary>
    public double OutputDataRateHz
    {
        get
        {
            lock (Gate)
            {
                return IsPlugged ? CurrentRateHz() : 0;
            }
        }
    }

    protected Lock Gate { get; } = new();

    protected byte[] Registers { get; }

    protected int Pointer { get; set; }

    protected bool Overrun { get; set; }

    protected int FifoDepth => _fifo.Length;

    protected int FifoLevel => _fifoCount;

    /// <summary>The sample the output registers show when the FIFO is bypassed or empty.</summary>
    protected RawSample Latest { get; set; }

    /// <summary>Disconnects the part: every transfer now fails with a NAK on the address.</summary>
    public void Unplug()
    {
        lock (Gate)
        {
            IsPlugged = false;
        }
    }

    /// <summary>Reconnects the part with its registers at their power-on values and an empty FIFO.</summary>
    public void Replug()
    {
        lock (Gate)
        {
            IsPlugged = true;
            _stuck = false;
            _failTransfers = 0;
            _nakAfterBytes = -1;
            ClearFifo();
            Overrun = false;
            Array.Clear(Registers);
            Pointer = 0;
            Latest = default;
            PowerOnReset();
        }
    }

    /// <summary>The next <paramref name="count"/> transfers fail with a NAK.</summary>
    public void FailNextTransfers(int count)
    {
        lock (Gate)
        {
            _failTransfers = count;
        }
    }

    /// <summary>The next read longer than <paramref name="bytes"/> delivers that many bytes (with their side effects) and then NAKs.</summary>
    public void NakAfterBytes(int bytes)
    {
        lock (Gate)
        {
            _nakAfterBytes = bytes;
        }
    }

    /// <summary>A slave holding SDA low: every transfer times out until released.</summary>
    public void SetStuckBus(bool stuck)
    {
        lock (Gate)
        {
            _stuck = stuck;
        }
    }

    /// <summary>Reads a register without side effects (for tests and the board).</summary>
    public byte PeekRegister(int address)
    {
        lock (Gate)
        {
            return Registers[address];
        }
    }

    /// <summary>
    /// One acquisition, in m/s² in the chip frame, quantised as the registers select (range, resolution) and saturated
    /// at full scale. Returns false when the part does not sample (powered down or unplugged): the sample is lost.
    /// </summary>
    public bool PushSample(in AccelerationVector chipFrame)
    {
        lock (Gate)
        {
            if (!IsPlugged || CurrentRateHz() <= 0)
            {
                return false;
            }

            var raw = Quantise(chipFrame);
            Latest = raw;
            if (!FifoActive())
            {
                return true;
            }

            if (_fifoCount == _fifo.Length)
            {
                if (!StreamMode())
                {
                    // FIFO mode stops collecting when full.
                    return true;
                }

                _fifoHead = (_fifoHead + 1) % _fifo.Length;
                _fifoCount--;
                Overrun = true;
                OverwrittenSamples++;
            }

            _fifo[(_fifoHead + _fifoCount) % _fifo.Length] = raw;
            _fifoCount++;
            return true;
        }
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        lock (Gate)
        {
            BeginTransfer();
            WriteCore(buffer);
        }
    }

    public override void Read(Span<byte> buffer)
    {
        lock (Gate)
        {
            BeginTransfer();
            ReadCore(buffer);
        }
    }

    public override void WriteRead(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer)
    {
        lock (Gate)
        {
            // One combined transfer (repeated start), as I2C_RDWR issues it.
            BeginTransfer();
            WriteCore(writeBuffer);
            ReadCore(readBuffer);
        }
    }

    /// <summary>The simulated part is the hardware: closing a handle to it does not remove it.</summary>
    protected override void Dispose(bool disposing) => base.Dispose(disposing);

    protected abstract void PowerOnReset();

    protected abstract double CurrentRateHz();

    protected abstract bool FifoActive();

    protected abstract bool StreamMode();

    protected abstract RawSample Quantise(in AccelerationVector chipFrame);

    /// <summary>Applies a write of <paramref name="buffer"/> (sub-address first).</summary>
    protected abstract void WriteCore(ReadOnlySpan<byte> buffer);

    /// <summary>Reads one byte at <see cref="Pointer"/> with its side effects, then advances the pointer.</summary>
    protected abstract byte ReadNext();

    /// <summary>Called after a read transfer completed or failed (e.g. the ADXL345 pops a FIFO entry here).</summary>
    protected virtual void EndRead(int bytesRead)
    {
    }

    protected void ClearFifo()
    {
        _fifoHead = 0;
        _fifoCount = 0;
    }

    protected RawSample PeekFifo() => _fifoCount > 0 ? _fifo[_fifoHead] : Latest;

    protected void PopFifo()
    {
        if (_fifoCount == 0)
        {
            return;
        }

        Latest = _fifo[_fifoHead];
        _fifoHead = (_fifoHead + 1) % _fifo.Length;
        _fifoCount--;
        Overrun = false;
    }

    private void BeginTransfer()
    {
        if (!IsPlugged)
        {
            throw new IOException($"Error 121 (EREMOTEIO: no ACK from address 0x{_settings.DeviceAddress:X2}) performing I2C data transfer on bus {_settings.BusId}.");
        }

        if (_stuck)
        {
            throw new IOException($"Error 110 (ETIMEDOUT: SDA held low) performing I2C data transfer on bus {_settings.BusId}.");
        }

        if (_failTransfers > 0)
        {
            _failTransfers--;
            throw new IOException($"Error 121 (EREMOTEIO: NAK from address 0x{_settings.DeviceAddress:X2}) performing I2C data transfer on bus {_settings.BusId}.");
        }

        Transfers++;
    }

    private void ReadCore(Span<byte> buffer)
    {
        var limit = _nakAfterBytes >= 0 && buffer.Length > _nakAfterBytes ? _nakAfterBytes : buffer.Length;
        for (var i = 0; i < limit; i++)
        {
            buffer[i] = ReadNext();
        }

        EndRead(limit);
        if (limit < buffer.Length)
        {
            _nakAfterBytes = -1;
            throw new IOException($"Error 121 (EREMOTEIO: NAK after {limit} of {buffer.Length} bytes from address 0x{_settings.DeviceAddress:X2}) performing I2C data transfer on bus {_settings.BusId}.");
        }
    }

    /// <summary>One acquisition as the part's raw output registers hold it (16-bit, already justified as the part does).</summary>
    protected readonly record struct RawSample(short X, short Y, short Z);
}
