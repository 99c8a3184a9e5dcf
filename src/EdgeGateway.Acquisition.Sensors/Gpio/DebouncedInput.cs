namespace EdgeGateway.Acquisition.Sensors.Gpio;

/// <summary>
/// One input's debounce state. Raw edges arrive on the driver's event thread (<see cref="OnRawLevel"/>); the poll
/// loop asks whether the line has settled (<see cref="TryGetSettled"/>) and commits what it wrote (<see cref="Commit"/>).
/// A change is accepted once the line has not moved for the debounce time; its timestamp is the FIRST raw edge of the
/// episode (the moment the contact first closed), not the end of the bounce. An excursion that settles back to the
/// accepted level is a glitch and yields nothing. Nothing here allocates.
/// </summary>
public sealed class DebouncedInput
{
    private readonly Lock _gate = new();
    private bool _rawHigh;
    private bool _stableHigh;
    private long _lastRawChangeMicros;
    private long _episodeStartMicros = -1;

    public DebouncedInput(GpioSignal signal, int chip, int line, bool activeLow, long debounceMicros)
    {
        Signal = signal;
        Chip = chip;
        Line = line;
        ActiveLow = activeLow;
        DebounceMicros = debounceMicros;
    }

    public GpioSignal Signal { get; }

    public int Chip { get; }

    public int Line { get; }

    public bool ActiveLow { get; }

    public long DebounceMicros { get; }

    /// <summary>Raw edges seen, bounces included (diagnostics for the installer).</summary>
    public long RawEdges { get; private set; }

    /// <summary>The accepted (debounced) state, as active/inactive.</summary>
    public bool StableActive
    {
        get
        {
            lock (_gate)
            {
                return _stableHigh ^ ActiveLow;
            }
        }
    }

    /// <summary>Sets the accepted level without an edge (at open time, from a read of the line).</summary>
    public void Reset(bool high, long nowMicros)
    {
        lock (_gate)
        {
            _rawHigh = high;
            _stableHigh = high;
            _lastRawChangeMicros = nowMicros;
            _episodeStartMicros = -1;
        }
    }

    /// <summary>A raw level seen on the line (an edge event, or a periodic read-back).</summary>
    public void OnRawLevel(bool high, long nowMicros)
    {
        lock (_gate)
        {
            if (high == _rawHigh)
            {
                return;
            }

            _rawHigh = high;
            _lastRawChangeMicros = nowMicros;
            RawEdges++;
            if (_episodeStartMicros < 0)
            {
                _episodeStartMicros = nowMicros;
            }
        }
    }

    /// <summary>
    /// True when the line settled on a level different from the accepted one: <paramref name="edgeMicros"/> is when the
    /// episode began, <paramref name="active"/> the new state. A settled glitch is forgotten here and returns false.
    /// </summary>
    public bool TryGetSettled(long nowMicros, out long edgeMicros, out bool active)
    {
        lock (_gate)
        {
            edgeMicros = 0;
            active = false;
            if (_episodeStartMicros < 0 || nowMicros - _lastRawChangeMicros < DebounceMicros)
            {
                return false;
            }

            if (_rawHigh == _stableHigh)
            {
                _episodeStartMicros = -1;
                return false;
            }

            edgeMicros = _episodeStartMicros;
            active = _rawHigh ^ ActiveLow;
            return true;
        }
    }

    /// <summary>Accepts the level last reported by <see cref="TryGetSettled"/> once its sample has been written.</summary>
    public void Commit(bool active)
    {
        lock (_gate)
        {
            _stableHigh = active ^ ActiveLow;
            _episodeStartMicros = _rawHigh != _stableHigh ? _lastRawChangeMicros : -1;
        }
    }
}
