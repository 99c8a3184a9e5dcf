using System.Device.Gpio;

namespace EdgeGateway.Acquisition.Sensors.Simulated;

/// <summary>
/// The lines of one simulated GPIO chip: what the outside world drives onto them, and who listens. The state lives
/// here, not in the driver, because <see cref="GpioController"/> disposes its driver on close: a source that re-opens
/// the chip gets a new <see cref="SimulatedGpioDriver"/> over the same wires, as a real process re-opening
/// /dev/gpiochipN sees the same board. Thread-safe; callbacks run on the thread that changed the line, outside the lock.
/// </summary>
public sealed class SimulatedGpioChip
{
    private readonly Lock _gate = new();
    private readonly Line[] _lines;

    public SimulatedGpioChip(int number = 0, int lineCount = 64)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(lineCount);
        Number = number;
        _lines = new Line[lineCount];
        for (var i = 0; i < lineCount; i++)
        {
            _lines[i] = new Line();
        }
    }

    public int Number { get; }

    public int LineCount => _lines.Length;

    /// <summary>Edge callbacks delivered so far (diagnostics).</summary>
    public long EventsRaised { get; private set; }

    private int _eventsToDrop;

    /// <summary>The next <paramref name="count"/> level changes deliver no callback: the kernel's event queue overflowed.</summary>
    public void DropNextEvents(int count)
    {
        lock (_gate)
        {
            _eventsToDrop = count;
        }
    }

    /// <summary>Opens a new driver over this chip (what <c>new LibGpiodDriver(chip)</c> is on a board).</summary>
    public SimulatedGpioDriver OpenDriver() => new(this);

    /// <summary>Drives input line <paramref name="line"/> to <paramref name="value"/> (a sensor or contact changing state).</summary>
    public void SetInput(int line, PinValue value) => Drive(line, value);

    /// <summary>Drives the line through <paramref name="bounces"/> short reversals before it settles on <paramref name="finalValue"/>.</summary>
    public void InjectBounce(int line, PinValue finalValue, int bounces)
    {
        var opposite = finalValue == PinValue.High ? PinValue.Low : PinValue.High;
        for (var i = 0; i < bounces; i++)
        {
            Drive(line, finalValue);
            Drive(line, opposite);
        }

        Drive(line, finalValue);
    }

    /// <summary>Leaves the line undriven (a cut wire): it then reads what its bias gives, Low without one.</summary>
    public void Disconnect(int line) => Drive(line, null);

    /// <summary>The level the line reads now, whether or not it is open.</summary>
    public PinValue LevelOf(int line)
    {
        lock (_gate)
        {
            return Get(line).Level;
        }
    }

    /// <summary>Whether some driver has the line requested.</summary>
    public bool IsOpen(int line)
    {
        lock (_gate)
        {
            return Get(line).Owner is not null;
        }
    }

    internal void Open(SimulatedGpioDriver owner, int number)
    {
        lock (_gate)
        {
            var line = Get(number);
            if (line.Owner is not null)
            {
                // libgpiod refuses a line another requester holds (EBUSY).
                throw new IOException($"Simulated GPIO chip {Number} line {number} is busy (already requested).");
            }

            line.Owner = owner;
            line.Mode = PinMode.Input;
        }
    }

    internal void Close(SimulatedGpioDriver owner, int number)
    {
        lock (_gate)
        {
            var line = Get(number);
            if (line.Owner == owner)
            {
                line.Owner = null;
                line.Rising.Clear();
                line.Falling.Clear();
            }
        }
    }

    internal void CloseAll(SimulatedGpioDriver owner)
    {
        lock (_gate)
        {
            foreach (var line in _lines)
            {
                if (line.Owner == owner)
                {
                    line.Owner = null;
                    line.Rising.Clear();
                    line.Falling.Clear();
                }
            }
        }
    }

    internal void SetMode(SimulatedGpioDriver owner, int number, PinMode mode)
    {
        lock (_gate)
        {
            Owned(owner, number).Mode = mode;
        }
    }

    internal PinMode GetMode(SimulatedGpioDriver owner, int number)
    {
        lock (_gate)
        {
            return Owned(owner, number).Mode;
        }
    }

    internal PinValue Read(SimulatedGpioDriver owner, int number)
    {
        lock (_gate)
        {
            return Owned(owner, number).Level;
        }
    }

    internal void WriteOutput(SimulatedGpioDriver owner, int number, PinValue value)
    {
        lock (_gate)
        {
            var line = Owned(owner, number);
            if (line.Mode != PinMode.Output)
            {
                throw new InvalidOperationException($"Simulated GPIO chip {Number} line {number} is an input; it cannot be written.");
            }

            line.Driven = value;
        }
    }

    internal void AddCallback(SimulatedGpioDriver owner, int number, PinEventTypes types, PinChangeEventHandler callback)
    {
        lock (_gate)
        {
            var line = Owned(owner, number);
            if ((types & PinEventTypes.Rising) != 0)
            {
                line.Rising.Add(callback);
            }

            if ((types & PinEventTypes.Falling) != 0)
            {
                line.Falling.Add(callback);
            }
        }
    }

    internal void RemoveCallback(int number, PinChangeEventHandler callback)
    {
        lock (_gate)
        {
            var line = Get(number);
            line.Rising.Remove(callback);
            line.Falling.Remove(callback);
        }
    }

    internal TaskCompletionSource<PinEventTypes> AddWaiter(SimulatedGpioDriver owner, int number, PinEventTypes types)
    {
        var waiter = new TaskCompletionSource<PinEventTypes>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            Owned(owner, number).Waiters.Add((types, waiter));
        }

        return waiter;
    }

    internal void RemoveWaiter(int number, TaskCompletionSource<PinEventTypes> waiter)
    {
        lock (_gate)
        {
            Get(number).Waiters.RemoveAll(w => w.Source == waiter);
        }
    }

    private void Drive(int number, PinValue? value)
    {
        PinChangeEventHandler[] callbacks;
        (PinEventTypes Types, TaskCompletionSource<PinEventTypes> Source)[] waiters;
        PinEventTypes change;
        lock (_gate)
        {
            var line = Get(number);
            var before = line.Level;
            line.Driven = value;
            var after = line.Level;
            if (before == after)
            {
                return;
            }

            change = after == PinValue.High ? PinEventTypes.Rising : PinEventTypes.Falling;
            var dropped = _eventsToDrop > 0;
            if (dropped)
            {
                _eventsToDrop--;
            }

            callbacks = line.Owner is null || dropped ? [] : change == PinEventTypes.Rising ? [.. line.Rising] : [.. line.Falling];
            waiters = [.. line.Waiters];
            EventsRaised += callbacks.Length;
        }

        foreach (var (types, source) in waiters)
        {
            if ((types & change) != 0)
            {
                source.TrySetResult(change);
            }
        }

        if (callbacks.Length == 0)
        {
            return;
        }

        var args = new PinValueChangedEventArgs(change, number);
        foreach (var callback in callbacks)
        {
            callback(this, args);
        }
    }

    private Line Get(int number)
    {
        if ((uint)number >= (uint)_lines.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(number), number, $"Simulated GPIO chip {Number} has lines 0..{_lines.Length - 1}.");
        }

        return _lines[number];
    }

    private Line Owned(SimulatedGpioDriver owner, int number)
    {
        var line = Get(number);
        if (line.Owner != owner)
        {
            throw new InvalidOperationException($"Simulated GPIO chip {Number} line {number} is not open by this driver.");
        }

        return line;
    }

    private sealed class Line
    {
        public SimulatedGpioDriver? Owner { get; set; }

        public PinMode Mode { get; set; } = PinMode.Input;

        /// <summary>What drives the line from outside (or our own output); null when floating.</summary>
        public PinValue? Driven { get; set; }

        public PinValue Level => Driven ?? (Mode == PinMode.InputPullUp ? PinValue.High : PinValue.Low);

        public List<PinChangeEventHandler> Rising { get; } = [];

        public List<PinChangeEventHandler> Falling { get; } = [];

        public List<(PinEventTypes Types, TaskCompletionSource<PinEventTypes> Source)> Waiters { get; } = [];
    }
}
