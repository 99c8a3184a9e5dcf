using EdgeGateway.Acquisition.Sensors.Accelerometers;
using EdgeGateway.Acquisition.Sensors.Calibration;
using EdgeGateway.Acquisition.Sensors.Simulated;
using EdgeGateway.Core.Signals;
using EdgeGateway.Core.Time;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.Acquisition.Sensors.Tests.Accelerometers;

public sealed class AccelerometerReaderTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void Batch_timestamps_are_spread_back_from_the_read_time_by_the_odr_period()
    {
        var chip = new SimulatedLis3dh();
        var driver = new Lis3dhDriver(chip);
        Assert.True(driver.TryInitialise(400, 4, out _));
        var clock = new MonotonicClock(_time);
        var reader = new AccelerometerReader(driver, clock);
        var writer = new RecordingSampleWriter();

        _time.Advance(TimeSpan.FromSeconds(2));
        for (var i = 0; i < 10; i++)
        {
            chip.PushSample(AccelerationVector.FromG(0, 0, 1));
        }

        var readAt = clock.NowMicros;
        Assert.Equal(10, reader.ReadBatch(writer));

        var samples = writer.Snapshot();
        Assert.Equal(10, samples.Length);
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(SignalMask.Acc, samples[i].Set);
            Assert.Equal(readAt - ((9 - i) * 2500), samples[i].TimeMicros);
        }
    }

    [Fact]
    public void Timestamps_stay_strictly_increasing_when_the_part_runs_fast()
    {
        var chip = new SimulatedLis3dh();
        var driver = new Lis3dhDriver(chip);
        Assert.True(driver.TryInitialise(400, 4, out _));
        var reader = new AccelerometerReader(driver, new MonotonicClock(_time));
        var writer = new RecordingSampleWriter();

        // 16 samples arrive in 20 ms instead of 40 ms, twice: spreading back would overlap the previous batch.
        for (var batch = 0; batch < 2; batch++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(20));
            for (var i = 0; i < 16; i++)
            {
                chip.PushSample(AccelerationVector.FromG(0, 0, 1));
            }

            reader.ReadBatch(writer);
        }

        var samples = writer.Snapshot();
        Assert.Equal(32, samples.Length);
        for (var i = 1; i < samples.Length; i++)
        {
            Assert.True(samples[i].TimeMicros > samples[i - 1].TimeMicros, $"sample {i} is not after sample {i - 1}");
        }
    }

    [Fact]
    public void The_calibration_rotation_is_applied_so_z_is_up()
    {
        var chip = new SimulatedAdxl345();
        var driver = new Adxl345Driver(chip);
        Assert.True(driver.TryInitialise(400, 4, out _));
        // The chip is mounted with its -Y axis up.
        var reader = new AccelerometerReader(driver, new MonotonicClock(_time))
        {
            Rotation = Rotation3.AligningToUp(new AccelerationVector(0, -1, 0)),
        };
        var writer = new RecordingSampleWriter();
        chip.PushSample(AccelerationVector.FromG(0, -1, 0));

        reader.ReadBatch(writer);

        var sample = Assert.Single(writer.Snapshot());
        Assert.Equal(0, sample.AccX, 0.05);
        Assert.Equal(0, sample.AccY, 0.05);
        Assert.Equal(AccelerationVector.StandardGravity, sample.AccZ, 0.05);
    }

    [Theory]
    [InlineData(AccelerometerChip.Lis3dh)]
    [InlineData(AccelerometerChip.Adxl345)]
    public void Steady_state_allocates_zero_bytes_per_sample_from_fifo_bytes_to_the_writer(AccelerometerChip chipType)
    {
        SimulatedI2cChip chip = chipType == AccelerometerChip.Lis3dh ? new SimulatedLis3dh() : new SimulatedAdxl345();
        var driver = AccelerometerDrivers.Create(chipType, chip);
        Assert.True(driver.TryInitialise(400, 4, out _));
        var reader = new AccelerometerReader(driver, new MonotonicClock(_time))
        {
            Rotation = Rotation3.AligningToUp(new AccelerationVector(0.1f, -1, 0.2f)),
        };
        var writer = new RecordingSampleWriter(capacity: 1 << 17);
        var sample = AccelerationVector.FromG(0.02, -0.98, 0.1);

        void OneBatch()
        {
            for (var i = 0; i < 16; i++)
            {
                chip.PushSample(sample);
            }

            _time.Advance(TimeSpan.FromMilliseconds(40));
            reader.ReadBatch(writer);
        }

        for (var i = 0; i < 100; i++)
        {
            OneBatch();
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 2000; i++)
        {
            OneBatch();
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.Equal(2100 * 16, reader.Samples);
        Assert.Equal(0, reader.Dropped);
    }
}
