using EdgeGateway.Acquisition.Modbus.Polling;

namespace EdgeGateway.Acquisition.Modbus.Tests.Polling;

public class ModbusOptionsValidatorTests
{
    [Fact]
    public void Defaults_are_valid()
    {
        Assert.True(new ModbusOptionsValidator().Validate(null, new ModbusOptions()).Succeeded);
        Assert.True(new ModbusOptionsValidator().Validate(null, new ModbusOptions { Transport = "tcp", Endpoint = "[::1]:1502" }).Succeeded);
    }

    [Fact]
    public void Every_error_is_reported_at_once_with_its_key()
    {
        var options = new ModbusOptions
        {
            Port = "",
            BaudRate = 7,
            Parity = "mark",
            StopBits = 3,
            SlaveId = 0,
            MapFile = "",
            PollIntervalMs = 1,
            ResponseTimeoutMs = 0,
            Retries = -1,
            ReopenMinMs = 5000,
            ReopenMaxMs = 1000,
        };
        var result = new ModbusOptionsValidator().Validate(null, options);
        Assert.True(result.Failed);
        var failures = result.Failures!.ToList();
        foreach (var key in new[] { "Port", "BaudRate", "Parity", "StopBits", "SlaveId", "MapFile", "PollIntervalMs", "ResponseTimeoutMs", "Retries", "ReopenMaxMs" })
        {
            Assert.Contains(failures, f => f.StartsWith($"Modbus:{key}: ", StringComparison.Ordinal));
        }
    }

    [Theory]
    [InlineData("udp", null, "Modbus:Transport")]
    [InlineData("tcp", ":502", "Modbus:Endpoint")]
    [InlineData("tcp", "10.0.0.1:70000", "Modbus:Endpoint")]
    [InlineData("tcp", null, "Modbus:Endpoint")]
    public void Transport_and_endpoint_are_checked(string transport, string? endpoint, string key)
    {
        var result = new ModbusOptionsValidator().Validate(null, new ModbusOptions { Transport = transport, Endpoint = endpoint });
        Assert.Contains(result.Failures!, f => f.StartsWith(key, StringComparison.Ordinal));
    }
}
