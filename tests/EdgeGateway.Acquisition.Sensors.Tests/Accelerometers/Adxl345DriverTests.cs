using EdgeGateway.Acquisition.Sensors.Accelerometers;
using EdgeGateway.Acquisition.Sensors.Simulated;

namespace EdgeGateway.Acquisition.Sensors.Tests.Accelerometers;

public sealed class Adxl345DriverTests
{
    private readonly SimulatedAdxl345 _chip = new(busId: 2, address: 0x53);
    private readonly AccelerationVector[] _buffer = new AccelerationVector[32];

    private Adxl345Driver Initialised(int rate = 400, int range = 4)
    {
        var driver = new Adxl345Driver(_chip);
        Assert.True(driver.TryInitialise(rate, range, out var problem), problem);
        return driver;
    }

    [Fact]
    public void Initialise_selects_rate_range_full_resolution_and_fifo_stream_mode()
    {
        Initialised(rate: 800, range: 8);

        Assert.Equal(0x0D, _chip.PeekRegister(Adxl345Driver.BwRate));
        Assert.Equal(0x08 | 0b10, _chip.PeekRegister(Adxl345Driver.DataFormat));
        Assert.Equal(0x80 | 16, _chip.PeekRegister(Adxl345Driver.FifoCtl));
        Assert.Equal(0x08, _chip.PeekRegister(Adxl345Driver.PowerCtl));
        Assert.Equal(800, _chip.OutputDataRateHz);
    }

    [Fact]
    public void A_different_part_answering_is_reported_with_bus_address_and_id_read()
    {
        var wrong = new SimulatedAdxl345(busId: 2, address: 0x53, deviceId: 0x00);

        Assert.False(new Adxl345Driver(wrong).TryInitialise(400, 4, out var problem));

        Assert.Equal("ADXL345 not found on I2C bus 2 at address 0x53: id register 0x00 read 0x00, expected 0xE5", problem);
    }

    [Fact]
    public void Each_fifo_entry_is_popped_by_one_six_byte_read_and_one_wake_up_reads_the_batch()
    {
        var driver = Initialised();
        for (var i = 0; i < 12; i++)
        {
            _chip.PushSample(AccelerationVector.FromG(1, -1, 0.01 * i));
        }

        var before = _chip.Transfers;
        var count = driver.ReadFifo(_buffer, out var overrun);

        Assert.Equal(12, count);
        Assert.False(overrun);
        Assert.Equal(2 + 12, _chip.Transfers - before);
        for (var i = 0; i < 12; i++)
        {
            Assert.Equal(AccelerationVector.StandardGravity, _buffer[i].X, 0.04);
            Assert.Equal(-AccelerationVector.StandardGravity, _buffer[i].Y, 0.04);
            Assert.Equal(0.01 * i * AccelerationVector.StandardGravity, _buffer[i].Z, 0.04);
        }
    }

    [Fact]
    public void Fifo_overrun_is_reported_once_and_cleared_by_reading()
    {
        var driver = Initialised();
        for (var i = 0; i < 50; i++)
        {
            _chip.PushSample(AccelerationVector.FromG(0, 0, 1));
        }

        Assert.Equal(32, driver.ReadFifo(_buffer, out var overrun));
        Assert.True(overrun);
        Assert.Equal(18, _chip.OverwrittenSamples);
        _chip.PushSample(AccelerationVector.FromG(0, 0, 1));
        Assert.Equal(1, driver.ReadFifo(_buffer, out var again));
        Assert.False(again);
    }

    [Fact]
    public void A_nak_mid_batch_throws_an_io_exception()
    {
        var driver = Initialised();
        for (var i = 0; i < 5; i++)
        {
            _chip.PushSample(AccelerationVector.FromG(0, 0, 1));
        }

        _chip.NakAfterBytes(3);
        Assert.Throws<IOException>(() => driver.ReadFifo(_buffer, out _));
    }

    [Fact]
    public void A_stuck_bus_times_out_until_released()
    {
        var driver = Initialised();
        _chip.SetStuckBus(true);
        var ex = Assert.Throws<IOException>(() => driver.ReadFifo(_buffer, out _));
        Assert.Contains("ETIMEDOUT", ex.Message, StringComparison.Ordinal);
        _chip.SetStuckBus(false);
        Assert.Equal(0, driver.ReadFifo(_buffer, out _));
    }

    [Theory]
    // Full resolution: 256 LSB/g (3.9 mg/LSB) at every range; 1 g reads DATAx0 = 00h, DATAx1 = 01h.
    [InlineData(0x00, 0x01, 1.0)]
    [InlineData(0x00, 0xFF, -1.0)]
    [InlineData(0x80, 0x00, 0.5)]
    [InlineData(0x01, 0x00, 1.0 / 256)]
    public void Conversion_follows_the_datasheet_scale_factor(byte low, byte high, double expectedG)
    {
        Assert.Equal(expectedG * AccelerationVector.StandardGravity, Adxl345Driver.ToMetersPerSecondSquared(low, high), 1e-4);
    }
}
