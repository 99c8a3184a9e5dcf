using System.IO.Ports;
using EdgeGateway.Acquisition.Modbus.Probing;
using EdgeGateway.Acquisition.Modbus.Protocol;

namespace EdgeGateway.Acquisition.Modbus.Tests.Probing;

public class ModbusProbeTextTests
{
    [Theory]
    [InlineData("1-247", 1, 247)]
    [InlineData("17", 17, 17)]
    [InlineData(" 3 - 9 ", 3, 9)]
    [InlineData(null, 1, 247)]
    public void Id_ranges_parse(string? text, int first, int last)
    {
        Assert.True(ModbusProbeText.TryParseIdRange(text, 247, out var a, out var b, out _));
        Assert.Equal((first, last), (a, b));
    }

    [Theory]
    [InlineData("0-300")]
    [InlineData("9-3")]
    [InlineData("x")]
    public void Bad_id_ranges_say_why(string text)
    {
        Assert.False(ModbusProbeText.TryParseIdRange(text, 247, out _, out _, out var error));
        Assert.Contains(text, error);
    }

    [Fact]
    public void Baud_rates_and_parities_parse_or_name_the_bad_part()
    {
        Assert.True(ModbusProbeText.TryParseBaudRates("9600, 19200", out var rates, out _));
        Assert.Equal([9600, 19200], rates);
        Assert.False(ModbusProbeText.TryParseBaudRates("9600,fast", out _, out var error));
        Assert.Contains("'fast'", error);
        Assert.True(ModbusProbeText.TryParseParities("none,e", out var parities, out _));
        Assert.Equal([Parity.None, Parity.Even], parities);
        Assert.False(ModbusProbeText.TryParseParities("mark", out _, out error));
        Assert.Contains("'mark'", error);
    }

    [Fact]
    public void The_plain_report_names_what_answered_and_how()
    {
        var report = new ModbusProbeReport(
            "/dev/ttyUSB0",
            [
                new ModbusProbeHit("19200 8E1", 1, ModbusResult.Success, "holding", [1, 2, 3], ModbusResult.Success),
                new ModbusProbeHit("19200 8E1", 7, ModbusResult.FromException(ModbusExceptionCode.IllegalDataAddress), "input", [], ModbusResult.FromException(ModbusExceptionCode.IllegalDataAddress)),
            ],
            ["9600 8E1: 2 garbled frame(s)"],
            42,
            TimeSpan.FromSeconds(3.2),
            false);
        var text = new StringWriter();
        ModbusProbeText.Write(report, text);
        var lines = text.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("Probed /dev/ttyUSB0: 42 attempts in 3.2 s.", lines[0]);
        Assert.Equal("  slave 1 at 19200 8E1 answers; holding registers from 0: 1 2 3", lines[1]);
        Assert.Equal("  slave 7 at 19200 8E1 answers with exception 02 ILLEGAL DATA ADDRESS; sample read: exception 02 ILLEGAL DATA ADDRESS", lines[2]);
        Assert.Equal("  note: 9600 8E1: 2 garbled frame(s)", lines[3]);
    }
}
