using System.Device.I2c;
using EdgeGateway.Acquisition.Sensors.Calibration;
using EdgeGateway.Core.Acquisition;
using EdgeGateway.Core.Time;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Acquisition.Sensors.Accelerometers;

/// <summary>
/// The accelerometer as a sample source: probes and configures the part in <see cref="RunAsync"/>, then wakes about once
/// per FIFO watermark and moves the batch to the writer through <see cref="AccelerometerReader"/>. Any I2C fault (NAK,
/// stuck bus), a different part answering, or a part that stopped sampling is reported as a <c>sensor_fault</c> on
/// "accelerometer" while it lasts; the source re-initialises with exponential backoff and reports the sensor healthy
/// again once samples flow. It never throws out of <see cref="RunAsync"/> except on cancellation.
/// </summary>
public sealed class AccelerometerSource : ISampleSource, IDisposable
{
    public const string SensorName = "accelerometer";

    private readonly AccelerometerOptions _options;
    private readonly II2cDeviceFactory _i2c;
    private readonly CalibrationStore? _calibrationStore;
    private readonly MonotonicClock _clock;
    private readonly ILogger _logger;
    private readonly AccelerometerChip _chip;
    private I2cDevice? _device;
    private AccelerometerReader? _reader;
    private volatile string? _problem;

    public AccelerometerSource(
        IOptions<AccelerometerOptions> options,
        II2cDeviceFactory i2c,
        CalibrationStore? calibrationStore,
        MonotonicClock clock,
        ILogger<AccelerometerSource> logger)
    {
        _options = options.Value;
        if (!_options.TryGetChip(out _chip))
        {
            throw new OptionsValidationException(AccelerometerOptions.SectionName, typeof(AccelerometerOptions),
                [$"{AccelerometerOptions.SectionName}:Chip: '{_options.Chip}' is not a supported accelerometer (lis3dh, adxl345)."]);
        }

        _i2c = i2c;
        _calibrationStore = calibrationStore;
        _clock = clock;
        _logger = logger;
    }

    public string Name => SensorName;

    /// <summary>The current fault, or null while healthy (or before the first attempt).</summary>
    public string? Problem => _problem;

    /// <summary>The hot path's counters (samples, overruns, drops) once the part has been opened.</summary>
    public AccelerometerReader? Reader => _reader;

    /// <summary>Initialisation attempts that failed (diagnostics).</summary>
    public int FailedAttempts { get; private set; }

    /// <summary>Times the part was (re)initialised successfully.</summary>
    public int Initialisations { get; private set; }

    public async Task RunAsync(ISampleWriter writer, ISensorHealthReporter health, CancellationToken cancellationToken)
    {
        var rotation = LoadRotation();
        var time = _clock.TimeProvider;
        var backoff = TimeSpan.FromMilliseconds(_options.InitialBackoffMs);
        var attemptsSinceHealthy = 0;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                string? problem;
                try
                {
                    _device ??= _i2c.Open(_options.Bus, _options.EffectiveAddress(_chip));
                    var driver = _reader?.Driver ?? AccelerometerDrivers.Create(_chip, _device);
                    attemptsSinceHealthy++;
                    if (driver.TryInitialise(_options.RateHz, _options.RangeG, out problem))
                    {
                        _reader ??= new AccelerometerReader(driver, _clock);
                        _reader.Rotation = rotation;
                        Initialisations++;
                        Log.AccelerometerReady(_logger, driver.Description, driver.RateHz, driver.RangeG, driver.Watermark);
                        problem = await PumpAsync(_reader, writer, health, attemptsSinceHealthy, cancellationToken).ConfigureAwait(false);
                        attemptsSinceHealthy = 0;
                        backoff = TimeSpan.FromMilliseconds(_options.InitialBackoffMs);
                    }
                }
                catch (IOException ex)
                {
                    problem = $"{Describe()}: I2C transfer failed: {ex.Message}";
                }
                catch (Exception ex) when (ex is UnauthorizedAccessException or PlatformNotSupportedException or ArgumentException)
                {
                    // /dev/i2c-N missing or not accessible: the same as an absent part, retried with backoff.
                    problem = $"{Describe()}: cannot open the I2C bus: {ex.Message}";
                    _device?.Dispose();
                    _device = null;
                }

                FailedAttempts++;
                if (problem != _problem)
                {
                    _problem = problem;
                    health.Report(SensorName, problem);
                }

                Log.AccelerometerFault(_logger, problem ?? "unknown", (long)backoff.TotalMilliseconds);
                await Task.Delay(backoff, time, cancellationToken).ConfigureAwait(false);
                backoff = TimeSpan.FromMilliseconds(Math.Min(backoff.TotalMilliseconds * 2, _options.MaxBackoffMs));
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Normal shutdown.
        }
    }

    public void Dispose()
    {
        _device?.Dispose();
        _device = null;
    }

    /// <summary>Reads batches until a fault; returns the problem that ended the run.</summary>
    private async Task<string> PumpAsync(AccelerometerReader reader, ISampleWriter writer, ISensorHealthReporter health, int attempts, CancellationToken cancellationToken)
    {
        var driver = reader.Driver;
        var interval = TimeSpan.FromMicroseconds(Math.Max(1000, driver.Watermark * driver.SamplePeriodMicros));
        var stallMicros = _options.StallTimeoutMs * 1000L;
        var lastDataMicros = _clock.NowMicros;
        var overruns = reader.Overruns;
        var healthy = false;
        using var timer = new PeriodicTimer(interval, _clock.TimeProvider);
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            var count = reader.ReadBatch(writer);
            var now = _clock.NowMicros;
            if (count > 0)
            {
                lastDataMicros = now;
                if (!healthy)
                {
                    // Healthy only once samples flow: an answering bus with a silent part is still a fault.
                    healthy = true;
                    if (_problem is not null)
                    {
                        Log.AccelerometerRecovered(_logger, driver.Description, attempts);
                    }

                    _problem = null;
                    health.Report(SensorName, null);
                }
            }
            else if (now - lastDataMicros > stallMicros)
            {
                return driver.IsConfigured()
                    ? $"{driver.Description}: no samples for {_options.StallTimeoutMs} ms although the part answers"
                    : $"{driver.Description}: the part lost its configuration (reset or brown-out)";
            }

            if (reader.Overruns != overruns)
            {
                overruns = reader.Overruns;
                Log.AccelerometerOverrun(_logger, driver.Description, overruns);
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        return "stopped";
    }

    private Rotation3 LoadRotation()
    {
        if (_calibrationStore is null)
        {
            return Rotation3.Identity;
        }

        var loaded = _calibrationStore.Load();
        switch (loaded.Status)
        {
            case CalibrationLoadStatus.Loaded:
                Log.CalibrationLoaded(_logger, _calibrationStore.FilePath, loaded.Calibration!.Describe());
                return loaded.Calibration.Rotation;
            case CalibrationLoadStatus.Unusable:
                Log.CalibrationUnusable(_logger, _calibrationStore.FilePath, loaded.Problem ?? "unreadable");
                return Rotation3.Identity;
            default:
                Log.CalibrationMissing(_logger, _calibrationStore.FilePath);
                return Rotation3.Identity;
        }
    }

    private string Describe()
    {
        var name = _chip == AccelerometerChip.Lis3dh ? "LIS3DH" : "ADXL345";
        return $"{name} on I2C bus {_options.Bus} at address 0x{_options.EffectiveAddress(_chip):X2}";
    }
}
