using EdgeGateway.Acquisition.Sensors.Accelerometers;
using EdgeGateway.Acquisition.Sensors.Calibration;
using EdgeGateway.Core.Acquisition;
using EdgeGateway.Core.Signals;
using EdgeGateway.Core.Time;

namespace EdgeGateway.Acquisition.Sensors.Commissioning;

/// <summary>
/// The installer's calibration step: reads the part through its real driver in the CHIP frame (no rotation), averages
/// gravity at rest, and stores the rotation when <see cref="GravityCalibrator"/> accepts it. Used by
/// <c>edgegw sensors --calibrate</c> and by the simulated box before its first run.
/// </summary>
public static class AccelerometerCalibrationRun
{
    public static async Task<CalibrationOutcome> RunAsync(
        AccelerometerDriver driver,
        int rateHz,
        int rangeG,
        MonotonicClock clock,
        CalibrationCriteria criteria,
        DateTimeOffset nowUtc,
        CalibrationStore? store,
        CancellationToken cancellationToken)
    {
        try
        {
            if (!driver.TryInitialise(rateHz, rangeG, out var problem))
            {
                return new CalibrationOutcome(false, null, problem, default, 0);
            }

            var capture = new CaptureWriter(criteria.MinSamples);
            var reader = new AccelerometerReader(driver, clock);
            var interval = TimeSpan.FromMicroseconds(Math.Max(1000, driver.Watermark * driver.SamplePeriodMicros));
            // Bound the wait: three times the nominal collection time plus two seconds, then judge what arrived.
            var deadline = clock.NowMicros + (long)(criteria.MinSamples * driver.SamplePeriodMicros * 3) + 2_000_000;
            using var timer = new PeriodicTimer(interval, clock.TimeProvider);
            while (!capture.IsFull && clock.NowMicros < deadline && await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                reader.ReadBatch(capture);
            }

            var outcome = GravityCalibrator.Calibrate(capture.Samples, driver.ChipName, nowUtc, criteria);
            if (outcome.Accepted && store is not null)
            {
                store.Save(outcome.Calibration!);
            }

            return outcome;
        }
        catch (IOException ex)
        {
            return new CalibrationOutcome(false, null, $"{driver.Description}: I2C transfer failed: {ex.Message}", default, 0);
        }
    }

    private sealed class CaptureWriter(int capacity) : ISampleWriter
    {
        private readonly AccelerationVector[] _samples = new AccelerationVector[capacity];
        private int _count;

        public bool IsFull => _count == _samples.Length;

        public ReadOnlySpan<AccelerationVector> Samples => _samples.AsSpan(0, _count);

        public bool TryWrite(in LiftSample sample)
        {
            if (IsFull || !sample.Has(SignalMask.Acc))
            {
                return false;
            }

            _samples[_count++] = new AccelerationVector(sample.AccX, sample.AccY, sample.AccZ);
            return true;
        }
    }
}
