using EdgeGateway.Acquisition.Modbus.Protocol;

namespace EdgeGateway.Acquisition.Modbus.Tests.Protocol;

public class ModbusCrcTests
{
    [Theory]
    // Read holding registers 0..9 of slave 1 (the brief's example frame).
    [InlineData("01 03 00 00 00 0A C5 CD")]
    // Modbus Application Protocol §6.3 example (slave 0x11 reads 0x6B..0x6D) with its RTU CRC.
    [InlineData("11 03 00 6B 00 03 76 87")]
    [InlineData("11 03 06 AE 41 56 52 43 40 49 AD")]
    [InlineData("01 05 00 AC FF 00 4C 1B")]
    [InlineData("01 83 02 C0 F1")]
    public void Literal_frames_carry_the_crc_low_byte_first(string hex)
    {
        var frame = Convert.FromHexString(hex.Replace(" ", ""));
        Assert.True(ModbusCrc.IsValid(frame));

        var rebuilt = new byte[frame.Length];
        frame.AsSpan(0, frame.Length - 2).CopyTo(rebuilt);
        Assert.Equal(frame.Length, ModbusCrc.Append(rebuilt, frame.Length - 2));
        Assert.Equal(frame, rebuilt);
    }

    [Fact]
    public void Any_single_bit_flip_is_detected()
    {
        var frame = Convert.FromHexString("1103 06AE41565243 4049 AD".Replace(" ", ""));
        for (var i = 0; i < frame.Length * 8; i++)
        {
            var damaged = (byte[])frame.Clone();
            damaged[i / 8] ^= (byte)(1 << (i % 8));
            Assert.False(ModbusCrc.IsValid(damaged), $"bit {i} flipped went unnoticed");
        }
    }

    [Fact]
    public void Frames_shorter_than_three_bytes_are_never_valid()
    {
        Assert.False(ModbusCrc.IsValid([]));
        Assert.False(ModbusCrc.IsValid([0xFF, 0xFF]));
    }
}
