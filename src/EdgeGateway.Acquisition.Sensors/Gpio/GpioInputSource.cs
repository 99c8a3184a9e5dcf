using System.Device.Gpio;
using EdgeGateway.Core.Acquisition;
using EdgeGateway.Core.Time;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Acquisition.Sensors.Gpio;

/// <summary>
/// The box's digital inputs through System.Device.Gpio: one <see cref="GpioController"/> per chip, an edge callback per
/// line, per-input debounce, and settled edges written as <c>LiftSample</c>s stamped with the monotonic time of the
/// first raw edge. A chip that cannot be opened is reported (<c>gpio:&lt;signal&gt;</c>) and retried while the other
/// inputs keep working. Steady state allocates nothing: callbacks and samples are preallocated or structs.
/// </summary>
public sealed class GpioInputSource : ISampleSource, IDisposable
{
    /// <summary>How long to wait before trying a chip that failed to open again.</summary>
    public static readonly TimeSpan ReopenInterval = TimeSpan.FromSeconds(5);

    private readonly GpioOptions _options;
    private readonly IGpioDriverFactory _drivers;
    private readonly MonotonicClock _clock;
    private readonly ILogger _logger;
    private readonly InputBinding[] _bindings;
    private readonly Dictionary<int, GpioController> _controllers = [];
    private ISensorHealthReporter? _health;
    private long _nextResyncMicros;
    private long _nextReopenMicros;
    private bool _disposed;

    public GpioInputSource(IOptions<GpioOptions> options, IGpioDriverFactory drivers, MonotonicClock clock, ILogger<GpioInputSource> logger)
    {
        _options = options.Value;
        _drivers = drivers;
        _clock = clock;
        _logger = logger;
        var bindings = new List<InputBinding>();
        foreach (var (key, input) in _options.Inputs)
        {
            if (!GpioSignals.TryParse(key, out var signal))
            {
                // Validation rejects this at start-up; a source built without validation still must not guess.
                throw new OptionsValidationException(GpioOptions.SectionName, typeof(GpioOptions),
                    [$"{GpioOptions.SectionName}:Inputs:{key}: unknown signal '{key}'; the GPIO inputs are {GpioSignals.KnownNames}."]);
            }

            var debounceMs = input.DebounceMs ?? _options.DebounceMs;
            var debounced = new DebouncedInput(signal, input.Chip, input.Line, input.ActiveLow, debounceMs * 1000L);
            bindings.Add(new InputBinding(debounced, input.Bias, clock));
        }

        _bindings = [.. bindings];
    }

    public string Name => "gpio";

    /// <summary>The configured inputs and their debounced state.</summary>
    public IReadOnlyList<DebouncedInput> Inputs => Array.ConvertAll(_bindings, b => b.Input);

    /// <summary>Settled edges that could not be written because the hot loop's queue was full (retried at the next poll).</summary>
    public long DeferredEdges { get; private set; }

    /// <summary>Edges written to the sample writer.</summary>
    public long EdgesWritten { get; private set; }

    public async Task RunAsync(ISampleWriter writer, ISensorHealthReporter health, CancellationToken cancellationToken)
    {
        try
        {
            Open(writer, health);
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(_options.PollIntervalMs), _clock.TimeProvider);
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                Poll(writer);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Normal shutdown.
        }
        finally
        {
            Close();
        }
    }

    /// <summary>
    /// Opens every configured line, reads its level and writes it as the initial state. Lines on a chip that fails to
    /// open are reported through <paramref name="health"/> and retried by <see cref="Poll"/>.
    /// </summary>
    public void Open(ISampleWriter writer, ISensorHealthReporter health)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _health = health;
        var now = _clock.NowMicros;
        _nextResyncMicros = now + (_options.ResyncIntervalMs * 1000L);
        OpenPending(writer, now);
    }

    /// <summary>Commits settled edges to <paramref name="writer"/>; returns how many were written. Allocation-free.</summary>
    public int Poll(ISampleWriter writer)
    {
        var now = _clock.NowMicros;
        if (now >= _nextResyncMicros)
        {
            _nextResyncMicros = now + (_options.ResyncIntervalMs * 1000L);
            Resync(now);
        }

        if (_nextReopenMicros != 0 && now >= _nextReopenMicros)
        {
            OpenPending(writer, now);
        }

        var written = 0;
        foreach (var binding in _bindings)
        {
            var input = binding.Input;
            if (!binding.IsOpen || !input.TryGetSettled(now, out var edgeMicros, out var active))
            {
                continue;
            }

            var sample = GpioSignals.SampleOf(input.Signal, edgeMicros, active);
            if (writer.TryWrite(sample))
            {
                input.Commit(active);
                EdgesWritten++;
                written++;
            }
            else
            {
                DeferredEdges++;
            }
        }

        return written;
    }

    /// <summary>Unregisters callbacks and closes every controller (and so its driver).</summary>
    public void Close()
    {
        foreach (var binding in _bindings)
        {
            if (binding.IsOpen && _controllers.TryGetValue(binding.Input.Chip, out var controller))
            {
                try
                {
                    controller.UnregisterCallbackForPinValueChangedEvent(binding.Input.Line, binding.Handler);
                    controller.ClosePin(binding.Input.Line);
                }
                catch (Exception ex) when (ex is IOException or InvalidOperationException)
                {
                    Log.GpioCloseFailed(_logger, GpioSignals.NameOf(binding.Input.Signal), binding.Input.Chip, binding.Input.Line, ex.Message);
                }
            }

            binding.IsOpen = false;
        }

        foreach (var controller in _controllers.Values)
        {
            controller.Dispose();
        }

        _controllers.Clear();
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Close();
    }

    private void OpenPending(ISampleWriter writer, long now)
    {
        _nextReopenMicros = 0;
        foreach (var binding in _bindings)
        {
            if (binding.IsOpen)
            {
                continue;
            }

            var input = binding.Input;
            var sensor = binding.SensorName;
            try
            {
                var controller = ControllerFor(input.Chip);
                controller.OpenPin(input.Line, ModeOf(binding.Bias));
                var high = controller.Read(input.Line) == PinValue.High;
                input.Reset(high, now);
                controller.RegisterCallbackForPinValueChangedEvent(input.Line, PinEventTypes.Rising | PinEventTypes.Falling, binding.Handler);
                binding.IsOpen = true;
                writer.TryWrite(GpioSignals.SampleOf(input.Signal, now, input.StableActive));
                _health?.Report(sensor, null);
                Log.GpioInputOpened(_logger, sensor, input.Chip, input.Line, input.ActiveLow, input.DebounceMicros / 1000, input.StableActive);
            }
            catch (Exception ex) when (ex is IOException or InvalidOperationException or ArgumentException or UnauthorizedAccessException
                                           or PlatformNotSupportedException or DllNotFoundException or TypeInitializationException)
            {
                var problem = $"cannot open GPIO chip {input.Chip} line {input.Line}: {ex.Message}";
                _health?.Report(sensor, problem);
                Log.GpioInputOpenFailed(_logger, sensor, input.Chip, input.Line, ex.Message);
                DropController(input.Chip);
                _nextReopenMicros = now + (long)ReopenInterval.TotalMicroseconds;
            }
        }
    }

    private void Resync(long now)
    {
        foreach (var binding in _bindings)
        {
            if (!binding.IsOpen || !_controllers.TryGetValue(binding.Input.Chip, out var controller))
            {
                continue;
            }

            try
            {
                binding.Input.OnRawLevel(controller.Read(binding.Input.Line) == PinValue.High, now);
            }
            catch (Exception ex) when (ex is IOException or InvalidOperationException)
            {
                Log.GpioReadFailed(_logger, binding.SensorName, ex.Message);
            }
        }
    }

    private GpioController ControllerFor(int chip)
    {
        if (!_controllers.TryGetValue(chip, out var controller))
        {
            controller = new GpioController(_drivers.Open(chip));
            _controllers.Add(chip, controller);
        }

        return controller;
    }

    private void DropController(int chip)
    {
        // Only drop a chip none of whose lines opened: the others keep their callbacks.
        foreach (var binding in _bindings)
        {
            if (binding.IsOpen && binding.Input.Chip == chip)
            {
                return;
            }
        }

        if (_controllers.Remove(chip, out var controller))
        {
            controller.Dispose();
        }
    }

    private static PinMode ModeOf(GpioBias bias) => bias switch
    {
        GpioBias.PullUp => PinMode.InputPullUp,
        GpioBias.PullDown => PinMode.InputPullDown,
        _ => PinMode.Input,
    };

    /// <summary>One line's callback, created once so registering it allocates only at open time.</summary>
    private sealed class InputBinding
    {
        private readonly MonotonicClock _clock;

        public InputBinding(DebouncedInput input, GpioBias bias, MonotonicClock clock)
        {
            Input = input;
            Bias = bias;
            _clock = clock;
            Handler = OnPinValueChanged;
            SensorName = "gpio:" + GpioSignals.NameOf(input.Signal);
        }

        public DebouncedInput Input { get; }

        public GpioBias Bias { get; }

        public PinChangeEventHandler Handler { get; }

        public string SensorName { get; }

        public bool IsOpen { get; set; }

        private void OnPinValueChanged(object sender, PinValueChangedEventArgs args) =>
            Input.OnRawLevel((args.ChangeType & PinEventTypes.Rising) != 0, _clock.NowMicros);
    }
}
