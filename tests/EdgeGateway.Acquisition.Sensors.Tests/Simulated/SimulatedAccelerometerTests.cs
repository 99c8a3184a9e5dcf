using EdgeGateway.Acquisition.Sensors.Accelerometers;
using EdgeGateway.Acquisition.Sensors.Simulated;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.Acquisition.Sensors.Tests.Simulated;

/// <summary>The register maps give the datasheets' numbers when driven by raw I2C transfers (no driver involved).</summary>
public sealed class SimulatedAccelerometerTests
{
    [Fact]
    public void Lis3dh_who_am_i_and_power_on_registers()
    {
        var chip = new SimulatedLis3dh();
        Span<byte> value = stackalloc byte[1];
        chip.WriteRead([0x0F], value);
        Assert.Equal(0x33, value[0]);
        chip.WriteRead([0x20], value);
        Assert.Equal(0x07, value[0]); // CTRL_REG1 default: power-down, X/Y/Z enabled
        Assert.Equal(0, chip.OutputDataRateHz);
    }

    [Fact]
    public void Lis3dh_worked_example_350_mg_reads_E0h_15h_at_2g_high_resolution()
    {
        var chip = new SimulatedLis3dh();
        // CTRL_REG1 = 0x77 (400 Hz, XYZ), CTRL_REG4 = 0x08 (±2 g, HR), FIFO bypassed: output registers show the latest sample.
        chip.Write([0x20, 0x77]);
        chip.Write([0x23, 0x08]);
        Assert.True(chip.PushSample(AccelerationVector.FromG(0.350, -1, 0)));

        Span<byte> output = stackalloc byte[6];
        chip.WriteRead([0x28 | 0x80], output);

        Assert.Equal(0xE0, output[0]);
        Assert.Equal(0x15, output[1]);
        // -1 g = -1000 digits, left-justified: 0xC180.
        Assert.Equal(0x80, output[2]);
        Assert.Equal(0xC1, output[3]);
    }

    [Theory]
    // mg/digit: HR 1/2/4/12, normal 4/8/16/48, low-power 16/32/64/192 (LIS3DH Table 4).
    [InlineData(0x08, 0x00, 2, 12, 1)]
    [InlineData(0x38, 0x00, 16, 12, 12)]
    [InlineData(0x00, 0x00, 2, 10, 4)]
    [InlineData(0x30, 0x00, 16, 10, 48)]
    [InlineData(0x00, 0x08, 2, 8, 16)]
    [InlineData(0x30, 0x08, 16, 8, 192)]
    public void Lis3dh_quantises_with_the_sensitivity_of_range_and_mode(byte ctrl4, byte lowPowerBit, int rangeG, int bits, int milliGPerDigit)
    {
        var chip = new SimulatedLis3dh();
        chip.Write([0x20, (byte)(0x77 | lowPowerBit)]);
        chip.Write([0x23, ctrl4]);
        Assert.Equal(bits, chip.ResolutionBits);
        Assert.Equal(milliGPerDigit, SimulatedLis3dh.MilliGPerDigit(rangeG, bits));

        chip.PushSample(AccelerationVector.FromG(milliGPerDigit * 10 / 1000.0, 0, 0));
        Span<byte> output = stackalloc byte[2];
        chip.WriteRead([0x28 | 0x80], output);
        var word = (short)(output[0] | (output[1] << 8));
        Assert.Equal(10, word >> (16 - bits));
    }

    [Fact]
    public void Lis3dh_saturates_at_full_scale()
    {
        var chip = new SimulatedLis3dh();
        chip.Write([0x20, 0x77]);
        chip.Write([0x23, 0x08]);
        chip.PushSample(AccelerationVector.FromG(5, -5, 0));
        Span<byte> output = stackalloc byte[4];
        chip.WriteRead([0x28 | 0x80], output);
        Assert.Equal(2047, (short)(output[0] | (output[1] << 8)) >> 4);
        Assert.Equal(-2048, (short)(output[2] | (output[3] << 8)) >> 4);
    }

    [Fact]
    public void Lis3dh_burst_rolls_over_from_out_z_h_to_out_x_l_through_the_fifo()
    {
        var chip = new SimulatedLis3dh();
        chip.Write([0x20, 0x77]);
        chip.Write([0x23, 0x08]);
        chip.Write([0x24, 0x40]);
        chip.Write([0x2E, 0x80]);
        for (var i = 1; i <= 3; i++)
        {
            chip.PushSample(AccelerationVector.FromG(i * 0.1, 0, 0));
        }

        Span<byte> src = stackalloc byte[1];
        chip.WriteRead([0x2F], src);
        Assert.Equal(3, src[0] & 0x1F);

        Span<byte> burst = stackalloc byte[18];
        chip.WriteRead([0x28 | 0x80], burst);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal((i + 1) * 100, (short)(burst[i * 6] | (burst[(i * 6) + 1] << 8)) >> 4);
        }

        chip.WriteRead([0x2F], src);
        Assert.Equal(0x20, src[0]); // EMPTY
    }

    [Fact]
    public void Adxl345_devid_and_full_resolution_1g_is_0x0100()
    {
        var chip = new SimulatedAdxl345();
        Span<byte> value = stackalloc byte[1];
        chip.WriteRead([0x00], value);
        Assert.Equal(0xE5, value[0]);
        chip.WriteRead([0x2C], value);
        Assert.Equal(0x0A, value[0]); // BW_RATE default 100 Hz
        Assert.Equal(0, chip.OutputDataRateHz); // standby until Measure

        chip.Write([0x31, 0x08 | 0x03]); // FULL_RES, ±16 g
        chip.Write([0x2D, 0x08]);
        Assert.Equal(100, chip.OutputDataRateHz);
        chip.PushSample(AccelerationVector.FromG(1, -1, 15.99));
        Span<byte> output = stackalloc byte[6];
        chip.WriteRead([0x32], output);

        Assert.Equal([0x00, 0x01, 0x00, 0xFF], output[..4].ToArray());
        Assert.Equal(4093, (short)(output[4] | (output[5] << 8)));
    }

    [Theory]
    // 10-bit mode: 256, 128, 64, 32 LSB/g at ±2, ±4, ±8, ±16 g (Table 1 sensitivity).
    [InlineData(0x00, 256)]
    [InlineData(0x01, 128)]
    [InlineData(0x02, 64)]
    [InlineData(0x03, 32)]
    public void Adxl345_ten_bit_mode_sensitivity(byte rangeBits, int lsbPerG)
    {
        var chip = new SimulatedAdxl345();
        chip.Write([0x31, rangeBits]);
        chip.Write([0x2D, 0x08]);
        chip.PushSample(AccelerationVector.FromG(1, 0, 0));
        Span<byte> output = stackalloc byte[2];
        chip.WriteRead([0x32], output);
        Assert.Equal(lsbPerG, (short)(output[0] | (output[1] << 8)));
    }

    [Fact]
    public void Feed_pushes_at_the_selected_output_data_rate_and_stops_while_unplugged()
    {
        var time = new FakeTimeProvider();
        var chip = new SimulatedAdxl345();
        chip.Write([0x31, 0x08]);
        chip.Write([0x2C, 0x0C]); // 400 Hz
        chip.Write([0x38, 0x80]); // stream
        chip.Write([0x2D, 0x08]);
        var feed = new SimulatedAccelerometerFeed(chip, _ => AccelerationVector.FromG(0, 0, 1), time);

        feed.PushDue();
        time.Advance(TimeSpan.FromMilliseconds(50));
        feed.PushDue();
        Assert.Equal(21, feed.Pushed); // t = 0, 2.5, ..., 50 ms
        Assert.Equal(21, chip.FifoCount);

        chip.Unplug();
        time.Advance(TimeSpan.FromMilliseconds(50));
        Assert.Equal(0, feed.PushDue());
    }
}
