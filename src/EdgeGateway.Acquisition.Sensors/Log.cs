using Microsoft.Extensions.Logging;

namespace EdgeGateway.Acquisition.Sensors;

/// <summary>Every log event of this assembly, with its id (3000-3099 GPIO, 3100-3199 accelerometer, 3200-3299 calibration).</summary>
internal static partial class Log
{
    [LoggerMessage(3000, LogLevel.Information, "GPIO input {Sensor} open on chip {Chip} line {Line} (active-low {ActiveLow}, debounce {DebounceMs} ms), initially active={Active}")]
    public static partial void GpioInputOpened(ILogger logger, string sensor, int chip, int line, bool activeLow, long debounceMs, bool active);

    [LoggerMessage(3001, LogLevel.Error, "GPIO input {Sensor}: cannot open chip {Chip} line {Line}: {Reason}; retrying")]
    public static partial void GpioInputOpenFailed(ILogger logger, string sensor, int chip, int line, string reason);

    [LoggerMessage(3002, LogLevel.Warning, "GPIO input {Sensor}: read-back failed: {Reason}")]
    public static partial void GpioReadFailed(ILogger logger, string sensor, string reason);

    [LoggerMessage(3003, LogLevel.Warning, "GPIO input {Signal}: closing chip {Chip} line {Line} failed: {Reason}")]
    public static partial void GpioCloseFailed(ILogger logger, string signal, int chip, int line, string reason);

    [LoggerMessage(3100, LogLevel.Information, "Accelerometer {Device} ready: {RateHz} Hz, ±{RangeG} g, FIFO watermark {Watermark}")]
    public static partial void AccelerometerReady(ILogger logger, string device, int rateHz, int rangeG, int watermark);

    [LoggerMessage(3101, LogLevel.Error, "Accelerometer fault: {Problem}; re-initialising in {BackoffMs} ms")]
    public static partial void AccelerometerFault(ILogger logger, string problem, long backoffMs);

    [LoggerMessage(3102, LogLevel.Information, "Accelerometer {Device} healthy again after {Attempts} attempt(s)")]
    public static partial void AccelerometerRecovered(ILogger logger, string device, int attempts);

    [LoggerMessage(3103, LogLevel.Warning, "Accelerometer {Device}: FIFO overrun, samples were lost (host read too late); {Overruns} overrun(s) so far")]
    public static partial void AccelerometerOverrun(ILogger logger, string device, long overruns);

    [LoggerMessage(3200, LogLevel.Warning, "No accelerometer calibration at {Path}: acceleration is reported in the chip frame until the box is calibrated")]
    public static partial void CalibrationMissing(ILogger logger, string path);

    [LoggerMessage(3201, LogLevel.Error, "Accelerometer calibration at {Path} is unusable ({Reason}): acceleration is reported in the chip frame until the box is calibrated again")]
    public static partial void CalibrationUnusable(ILogger logger, string path, string reason);

    [LoggerMessage(3202, LogLevel.Information, "Accelerometer calibration loaded from {Path}: {Description}")]
    public static partial void CalibrationLoaded(ILogger logger, string path, string description);
}
