using EdgeGateway.Host.Commands;
using EdgeGateway.Host.Hosting;

namespace EdgeGateway.Host.Tests.Commands;

public class RunCommandTests
{
    [Fact]
    public void Set_overrides_and_data_become_configuration_keys()
    {
        var overrides = RunCommand.ParseOverrides(["Mqtt:Host=127.0.0.1", "Simulation:Faults:0:Fault=entrapment"], "/tmp/d");

        Assert.Equal("127.0.0.1", overrides["Mqtt:Host"]);
        Assert.Equal("entrapment", overrides["Simulation:Faults:0:Fault"]);
        Assert.Equal("/tmp/d", overrides["Gateway:DataDirectory"]);
    }

    [Fact]
    public void A_set_without_equals_names_itself()
    {
        var error = Assert.Throws<ArgumentException>(() => RunCommand.ParseOverrides(["Mqtt:Host"], null));
        Assert.Contains("--set 'Mqtt:Host'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_configuration_file_is_named()
    {
        var error = Assert.Throws<InvalidDataException>(() =>
            GatewayHostBuilder.BuildConfiguration("/nonexistent/edgegw.json", new Dictionary<string, string?>()));
        Assert.Contains("/nonexistent/edgegw.json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_malformed_configuration_file_is_named()
    {
        var path = Path.Combine(Path.GetTempPath(), $"edgegw-bad-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, "{ \"Gateway\": { \"BoxId\": ");
        try
        {
            var error = Assert.Throws<InvalidDataException>(() => GatewayHostBuilder.BuildConfiguration(path, new Dictionary<string, string?>()));
            Assert.Contains(path, error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
