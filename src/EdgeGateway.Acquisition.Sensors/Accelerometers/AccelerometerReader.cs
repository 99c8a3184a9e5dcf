using EdgeGateway.Acquisition.Sensors.Calibration;
using EdgeGateway.Core.Acquisition;
using EdgeGateway.Core.Signals;
using EdgeGateway.Core.Time;

namespace EdgeGateway.Acquisition.Sensors.Accelerometers;

/// <summary>
/// The accelerometer hot path: one FIFO batch → timestamps → calibration rotation → <see cref="LiftSample"/>s into the
/// writer. Allocation-free after construction. Timestamps: the FIFO holds samples taken one ODR period apart, the
/// newest just before the status read, so sample i of n is stamped <c>t_read − (n−1−i)·period</c>; spreading back from
/// the read time (rather than counting forward from the first) stays right across overruns and late wake-ups, and the
/// stamps are kept strictly increasing across batches when the part's clock runs fast against ours.
/// </summary>
public sealed class AccelerometerReader
{
    private readonly AccelerometerDriver _driver;
    private readonly MonotonicClock _clock;
    private readonly AccelerationVector[] _batch;
    private long _lastMicros = long.MinValue;

    public AccelerometerReader(AccelerometerDriver driver, MonotonicClock clock)
    {
        _driver = driver;
        _clock = clock;
        _batch = new AccelerationVector[driver.FifoCapacity];
    }

    public AccelerometerDriver Driver => _driver;

    /// <summary>Rotation from chip to box frame (identity until calibrated).</summary>
    public Rotation3 Rotation { get; set; } = Rotation3.Identity;

    public long Samples { get; private set; }

    /// <summary>Batches in which the FIFO had overwritten unread samples.</summary>
    public long Overruns { get; private set; }

    /// <summary>Samples the writer refused (hot loop queue full).</summary>
    public long Dropped { get; private set; }

    /// <summary>The last sample written, in the box frame.</summary>
    public AccelerationVector Last { get; private set; }

    /// <summary>Reads one FIFO batch and writes it; returns the number of samples read. Throws <see cref="IOException"/> on bus faults.</summary>
    public int ReadBatch(ISampleWriter writer)
    {
        var readMicros = _clock.NowMicros;
        var count = _driver.ReadFifo(_batch, out var overrun);
        if (overrun)
        {
            Overruns++;
        }

        if (count == 0)
        {
            return 0;
        }

        var period = _driver.SamplePeriodMicros;
        var rotation = Rotation;
        for (var i = 0; i < count; i++)
        {
            var t = readMicros - (long)((count - 1 - i) * period);
            if (t <= _lastMicros)
            {
                t = _lastMicros + 1;
            }

            _lastMicros = t;
            var v = rotation.Apply(_batch[i]);
            if (!writer.TryWrite(LiftSample.Acceleration(t, v.X, v.Y, v.Z)))
            {
                Dropped++;
            }

            Last = v;
        }

        Samples += count;
        return count;
    }
}
