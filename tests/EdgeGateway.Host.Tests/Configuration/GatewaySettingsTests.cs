using EdgeGateway.Host.Configuration;

namespace EdgeGateway.Host.Tests.Configuration;

public class GatewaySettingsTests
{
    [Fact]
    public void The_defaults_bind_and_validate_and_the_store_and_uplink_state_live_under_the_data_directory()
    {
        var settings = GatewaySettings.Bind(Compose(("Gateway:DataDirectory", "/var/lib/edgegw")), simulated: true, out var errors);

        Assert.Empty(errors);
        Assert.Equal(Path.Combine("/var/lib/edgegw", "outbox"), settings!.Pipeline.Outbox.DataDirectory);
        Assert.Equal(Path.Combine("/var/lib/edgegw", "uplink"), settings.Pipeline.Mqtt.StateDirectory);
        Assert.NotNull(settings.Simulation);
        Assert.Null(settings.Modbus);
    }

    [Fact]
    public void Errors_of_every_section_come_at_once_with_their_keys_including_values_that_do_not_convert()
    {
        var settings = GatewaySettings.Bind(Compose(
            ("Gateway:Lift:HighestFloor", "-9"), ("Detection:EntrapmentSeconds", "soon"), ("Mqtt:Port", "70000"), ("Detection:Kpi:DayOffsetMinutes", "9999")),
            simulated: true, out var errors);

        Assert.Null(settings);
        var all = string.Join("\n", errors);
        Assert.Contains("Gateway:Lift:HighestFloor", all, StringComparison.Ordinal);
        Assert.Contains("Detection:EntrapmentSeconds", all, StringComparison.Ordinal);
        Assert.Contains("Mqtt:Port", all, StringComparison.Ordinal);
        Assert.Contains("DayOffsetMinutes", all, StringComparison.Ordinal);
    }

    [Fact]
    public void A_black_box_chunk_that_would_not_fit_one_outbox_message_is_refused_naming_both_keys()
    {
        GatewaySettings.Bind(Compose(("Mqtt:BlackBoxChunkBytes", "65536"), ("Outbox:MaxPayloadBytes", "65536")), simulated: true, out var errors);

        var error = Assert.Single(errors);
        Assert.StartsWith("Mqtt:BlackBoxChunkBytes: 65536 does not fit Outbox:MaxPayloadBytes 65536", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Hardware_sections_are_bound_only_when_present_on_a_box_without_the_simulator()
    {
        var settings = GatewaySettings.Bind(Compose(("Modbus:Transport", "tcp"), ("Modbus:Endpoint", "127.0.0.1:502")), simulated: false, out var errors);

        Assert.Empty(errors);
        Assert.Equal("127.0.0.1:502", settings!.Modbus!.Endpoint);
        Assert.Null(settings.Gpio);
        Assert.Null(settings.Accelerometer);
        Assert.Null(settings.Simulation);
    }

    private static Microsoft.Extensions.Configuration.IConfiguration Compose(params (string Key, string Value)[] values) =>
        ConfigurationLayers.Read(null, values.ToDictionary(v => v.Key, v => (string?)v.Value)).Compose(null);
}
