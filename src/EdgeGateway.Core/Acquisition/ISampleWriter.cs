using EdgeGateway.Core.Signals;

namespace EdgeGateway.Core.Acquisition;

/// <summary>
/// Where acquisition (Modbus poller, GPIO inputs, accelerometer, simulator, trace replay) hands samples
/// to the hot loop. Implementations must not allocate per call and must be safe to call from any thread.
/// </summary>
public interface ISampleWriter
{
    /// <summary>Offers a sample; false when the hot loop's input queue is full (the caller counts the drop).</summary>
    bool TryWrite(in LiftSample sample);
}

/// <summary>
/// How a source says that one of its sensors stopped answering or reports impossible values, and when it is
/// healthy again. Detection turns these into <c>sensor_fault</c> raised/cleared events whose detail names the sensor.
/// Safe to call from any thread; repeated reports of the same state are ignored.
/// </summary>
public interface ISensorHealthReporter
{
    /// <param name="sensor">Stable sensor name, e.g. "accelerometer", "gpio:zone", "modbus:1".</param>
    /// <param name="problem">What is wrong (names bus, address, register...), or null when the sensor is healthy again.</param>
    void Report(string sensor, string? problem);
}

/// <summary>
/// One acquisition adapter: it connects in <see cref="RunAsync"/> (never in its constructor or validation),
/// feeds samples until cancelled, and recovers from transport faults by itself with backoff.
/// A fault in one source never stops the others.
/// </summary>
public interface ISampleSource
{
    string Name { get; }

    Task RunAsync(ISampleWriter writer, ISensorHealthReporter health, CancellationToken cancellationToken);
}
