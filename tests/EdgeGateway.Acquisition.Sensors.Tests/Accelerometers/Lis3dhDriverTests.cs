using EdgeGateway.Acquisition.Sensors.Accelerometers;
using EdgeGateway.Acquisition.Sensors.Simulated;

namespace EdgeGateway.Acquisition.Sensors.Tests.Accelerometers;

public sealed class Lis3dhDriverTests
{
    private readonly SimulatedLis3dh _chip = new(busId: 1, address: 0x18);
    private readonly AccelerationVector[] _buffer = new AccelerationVector[32];

    private Lis3dhDriver Initialised(int rate = 400, int range = 4)
    {
        var driver = new Lis3dhDriver(_chip);
        Assert.True(driver.TryInitialise(rate, range, out var problem), problem);
        return driver;
    }

    [Fact]
    public void Initialise_selects_rate_range_high_resolution_and_fifo_stream_mode()
    {
        var driver = Initialised(rate: 400, range: 4);

        // CTRL_REG1: ODR 0111 (400 Hz), LPen 0, XYZ on. CTRL_REG4: BDU, FS 01 (±4 g), HR. CTRL_REG5: FIFO_EN.
        Assert.Equal(0x77, _chip.PeekRegister(Lis3dhDriver.CtrlReg1));
        Assert.Equal(0x98, _chip.PeekRegister(Lis3dhDriver.CtrlReg4));
        Assert.Equal(0x40, _chip.PeekRegister(Lis3dhDriver.CtrlReg5));
        // FIFO_CTRL_REG: stream mode (10) with the watermark at half the FIFO.
        Assert.Equal(0x80 | 16, _chip.PeekRegister(Lis3dhDriver.FifoCtrlReg));
        Assert.Equal(400, _chip.OutputDataRateHz);
        Assert.Equal(12, _chip.ResolutionBits);
        Assert.Equal(2500, driver.SamplePeriodMicros);
    }

    [Fact]
    public void A_different_part_answering_is_reported_with_bus_address_and_id_read()
    {
        var wrong = new SimulatedLis3dh(busId: 1, address: 0x18, whoAmI: 0x32);
        var driver = new Lis3dhDriver(wrong);

        Assert.False(driver.TryInitialise(400, 4, out var problem));

        Assert.Equal("LIS3DH not found on I2C bus 1 at address 0x18: id register 0x0F read 0x32, expected 0x33", problem);
        Assert.Equal(0, wrong.OutputDataRateHz);
    }

    [Fact]
    public void A_batch_comes_out_of_the_fifo_in_one_burst_transfer()
    {
        var driver = Initialised(range: 2);
        for (var i = 0; i < 20; i++)
        {
            _chip.PushSample(AccelerationVector.FromG(0.001 * i, -0.5, 1));
        }

        var transfersBefore = _chip.Transfers;
        var count = driver.ReadFifo(_buffer, out var overrun);

        Assert.Equal(20, count);
        Assert.False(overrun);
        // One status read plus ONE burst for all 20 samples.
        Assert.Equal(2, _chip.Transfers - transfersBefore);
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(0.001 * i * AccelerationVector.StandardGravity, _buffer[i].X, 0.0015 * AccelerationVector.StandardGravity);
            Assert.Equal(-0.5 * AccelerationVector.StandardGravity, _buffer[i].Y, 0.01);
            Assert.Equal(AccelerationVector.StandardGravity, _buffer[i].Z, 0.01);
        }

        Assert.Equal(0, _chip.FifoCount);
        Assert.Equal(0, driver.ReadFifo(_buffer, out _));
    }

    [Fact]
    public void Fifo_overrun_is_flagged_and_the_newest_samples_are_kept()
    {
        var driver = Initialised(range: 16);
        for (var i = 0; i < 40; i++)
        {
            _chip.PushSample(AccelerationVector.FromG(i * 0.1, 0, 0));
        }

        var first = driver.ReadFifo(_buffer, out var overrun);
        Assert.True(overrun);
        Assert.Equal(8, _chip.OverwrittenSamples);
        // FSS is five bits: 31 of the 32 stored come out now, the last on the next batch.
        Assert.Equal(31, first);
        Assert.Equal(0.8 * AccelerationVector.StandardGravity, _buffer[0].X, 0.15);
        var second = driver.ReadFifo(_buffer, out var stillOverrun);
        Assert.Equal(1, second);
        Assert.False(stillOverrun);
        Assert.Equal(3.9 * AccelerationVector.StandardGravity, _buffer[0].X, 0.15);
    }

    [Fact]
    public void A_nak_in_the_middle_of_a_burst_throws_and_reinitialising_recovers()
    {
        var driver = Initialised();
        for (var i = 0; i < 10; i++)
        {
            _chip.PushSample(AccelerationVector.FromG(0, 0, 1));
        }

        _chip.NakAfterBytes(27);
        var ex = Assert.Throws<IOException>(() => driver.ReadFifo(_buffer, out _));
        Assert.Contains("0x18", ex.Message, StringComparison.Ordinal);

        Assert.True(driver.TryInitialise(400, 4, out _));
        Assert.Equal(0, _chip.FifoCount);
        _chip.PushSample(AccelerationVector.FromG(0, 0, -1));
        Assert.Equal(1, driver.ReadFifo(_buffer, out _));
        Assert.Equal(-AccelerationVector.StandardGravity, _buffer[0].Z, 0.02);
    }

    [Fact]
    public void An_unplugged_part_nacks_and_comes_back_unconfigured()
    {
        var driver = Initialised();
        _chip.Unplug();
        Assert.Throws<IOException>(() => driver.ReadFifo(_buffer, out _));

        _chip.Replug();
        Assert.False(driver.IsConfigured());
        Assert.Equal(0, _chip.OutputDataRateHz);
        Assert.True(driver.TryInitialise(400, 4, out _));
        Assert.True(driver.IsConfigured());
    }

    [Theory]
    // AN3308 §4.2.3 worked example: 350 mg at ±2 g high resolution reads OUT_X_L = E0h, OUT_X_H = 15h.
    [InlineData(0xE0, 0x15, 2, 350)]
    // Table 4 sensitivities: one digit of the 12-bit value is 1, 2, 4, 12 mg at ±2, ±4, ±8, ±16 g.
    [InlineData(0x10, 0x00, 2, 1)]
    [InlineData(0x10, 0x00, 4, 2)]
    [InlineData(0x10, 0x00, 8, 4)]
    [InlineData(0x10, 0x00, 16, 12)]
    [InlineData(0xF0, 0xFF, 16, -12)]
    public void Conversion_follows_the_datasheet_sensitivities(byte low, byte high, int rangeG, int expectedMilliG)
    {
        var ms2 = Lis3dhDriver.ToMetersPerSecondSquared(low, high, rangeG);
        Assert.Equal(expectedMilliG * 0.001 * AccelerationVector.StandardGravity, ms2, 1e-4);
    }
}
