using System.Device.Gpio;
using EdgeGateway.Acquisition.Sensors.Gpio;

namespace EdgeGateway.Acquisition.Sensors.Simulated;

/// <summary>
/// A <see cref="GpioDriver"/> over a <see cref="SimulatedGpioChip"/>, honouring the driver contract the libgpiod driver
/// implements: lines must be opened before use, a line held by another requester is busy, edge callbacks fire on
/// every level change of an open line, <c>WaitForEvent</c> blocks until a matching edge or returns TimedOut when its
/// token is cancelled, and disposing releases every line this driver opened.
/// </summary>
public sealed class SimulatedGpioDriver : GpioDriver
{
    public SimulatedGpioDriver(SimulatedGpioChip chip) => Chip = chip;

    public SimulatedGpioChip Chip { get; }

    public bool IsDisposed { get; private set; }

    protected override int PinCount => Chip.LineCount;

    protected override void OpenPin(int pinNumber)
    {
        ThrowIfDisposed();
        Chip.Open(this, pinNumber);
    }

    protected override void ClosePin(int pinNumber) => Chip.Close(this, pinNumber);

    protected override void SetPinMode(int pinNumber, PinMode mode)
    {
        ThrowIfDisposed();
        Chip.SetMode(this, pinNumber, mode);
    }

    protected override PinMode GetPinMode(int pinNumber) => Chip.GetMode(this, pinNumber);

    protected override bool IsPinModeSupported(int pinNumber, PinMode mode) =>
        mode is PinMode.Input or PinMode.InputPullUp or PinMode.InputPullDown or PinMode.Output;

    protected override PinValue Read(int pinNumber)
    {
        ThrowIfDisposed();
        return Chip.Read(this, pinNumber);
    }

    protected override void Write(int pinNumber, PinValue value)
    {
        ThrowIfDisposed();
        Chip.WriteOutput(this, pinNumber, value);
    }

    protected override void AddCallbackForPinValueChangedEvent(int pinNumber, PinEventTypes eventTypes, PinChangeEventHandler callback)
    {
        ThrowIfDisposed();
        Chip.AddCallback(this, pinNumber, eventTypes, callback);
    }

    protected override void RemoveCallbackForPinValueChangedEvent(int pinNumber, PinChangeEventHandler callback) =>
        Chip.RemoveCallback(pinNumber, callback);

    protected override WaitForEventResult WaitForEvent(int pinNumber, PinEventTypes eventTypes, CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        var waiter = Chip.AddWaiter(this, pinNumber, eventTypes);
        try
        {
            waiter.Task.Wait(cancellationToken);
            return new WaitForEventResult { TimedOut = false, EventTypes = waiter.Task.Result };
        }
        catch (OperationCanceledException)
        {
            return new WaitForEventResult { TimedOut = true, EventTypes = PinEventTypes.None };
        }
        finally
        {
            Chip.RemoveWaiter(pinNumber, waiter);
        }
    }

    protected override async ValueTask<WaitForEventResult> WaitForEventAsync(int pinNumber, PinEventTypes eventTypes, CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        var waiter = Chip.AddWaiter(this, pinNumber, eventTypes);
        try
        {
            var type = await waiter.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            return new WaitForEventResult { TimedOut = false, EventTypes = type };
        }
        catch (OperationCanceledException)
        {
            return new WaitForEventResult { TimedOut = true, EventTypes = PinEventTypes.None };
        }
        finally
        {
            Chip.RemoveWaiter(pinNumber, waiter);
        }
    }

    protected override void Dispose(bool disposing)
    {
        IsDisposed = true;
        Chip.CloseAll(this);
        base.Dispose(disposing);
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(IsDisposed, this);
}

/// <summary>
/// Opens simulated drivers by chip number (the simulated counterpart of <see cref="LibGpiodDriverFactory"/>), creating
/// each <see cref="SimulatedGpioChip"/> on first use. Chips listed in <see cref="MissingChips"/> fail to open.
/// </summary>
public sealed class SimulatedGpioDriverFactory : IGpioDriverFactory
{
    private readonly Lock _gate = new();
    private readonly Dictionary<int, SimulatedGpioChip> _chips = [];
    private readonly HashSet<int> _missing = [];
    private readonly int _lineCount;

    public SimulatedGpioDriverFactory(int lineCount = 64) => _lineCount = lineCount;

    public SimulatedGpioChip Chip(int chip)
    {
        lock (_gate)
        {
            if (!_chips.TryGetValue(chip, out var found))
            {
                found = new SimulatedGpioChip(chip, _lineCount);
                _chips.Add(chip, found);
            }

            return found;
        }
    }

    /// <summary>Makes chip <paramref name="chip"/> absent (true) or present again (false).</summary>
    public void SetMissing(int chip, bool missing)
    {
        lock (_gate)
        {
            if (missing)
            {
                _missing.Add(chip);
            }
            else
            {
                _missing.Remove(chip);
            }
        }
    }

    public GpioDriver Open(int chip)
    {
        lock (_gate)
        {
            if (_missing.Contains(chip))
            {
                throw new IOException($"/dev/gpiochip{chip}: no such device (simulated chip removed).");
            }
        }

        return Chip(chip).OpenDriver();
    }
}
