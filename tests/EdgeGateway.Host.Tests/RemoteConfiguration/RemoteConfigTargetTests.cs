using System.Text.Json;
using EdgeGateway.Host.Configuration;
using EdgeGateway.Host.RemoteConfiguration;
using EdgeGateway.Testing.Files;
using EdgeGateway.Uplink.Mqtt;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeGateway.Host.Tests.RemoteConfiguration;

/// <summary>
/// The remote layer's rules, with the real configuration layers and the real store on disk. The pipeline is the seam
/// here (it records what it was asked and can fail); the end-to-end test runs the real one.
/// </summary>
public sealed class RemoteConfigTargetTests : IDisposable, IReconfigurablePipeline
{
    private readonly TempDirectory _temp = new("edgegw-rct-");
    private readonly List<(GatewaySettings Settings, TimeSpan? Trial)> _restarts = [];
    private readonly List<MqttUplinkOptions> _uplinkRestarts = [];
    private readonly List<string> _fatal = [];
    private Exception? _restartFails;

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Get_config_shows_every_section_in_effect_with_secrets_redacted()
    {
        var target = Create(("Mqtt:Username", "box"), ("Mqtt:Password", "pw-123"), ("Mqtt:CommandHmacKey", Convert.ToBase64String(new byte[32])));

        var json = target.GetConfigJson();

        Assert.DoesNotContain("pw-123", json, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(new byte[32]), json, StringComparison.Ordinal);
        var root = JsonDocument.Parse(json).RootElement;
        Assert.Equal(ConfigurationJson.Redacted, root.GetProperty("Mqtt").GetProperty("Password").GetString());
        Assert.Equal(30, root.GetProperty("Detection").GetProperty("EntrapmentSeconds").GetDouble());
        // Sub-sections bound on their own ("Detection:Kpi") sit inside their parent, as in a site file.
        Assert.True(root.GetProperty("Detection").TryGetProperty("Kpi", out _));
        Assert.True(root.GetProperty("Simulation").TryGetProperty("Faults", out _));
    }

    [Fact]
    public void What_get_config_returned_is_a_valid_set_config_even_with_redacted_secrets_and_site_only_keys()
    {
        var target = Create(("Mqtt:Username", "box"), ("Mqtt:Password", "pw-123"));

        Assert.Empty(target.Validate(target.GetConfigJson()));
    }

    [Fact]
    public void Every_problem_is_named_by_its_key_at_once()
    {
        var target = Create();

        var errors = target.Validate("""
            {
              "Detection": { "EntrapmentSeconds": -1, "DoorReversalCount": "many" },
              "Gateway": { "BoxId": "another-box", "Lift": { "HighestFloor": -9 } },
              "Outbox": { "MaxBytes": 1 },
              "Detection:Typo": 1,
              "Modbus": { "Endpoint": "127.0.0.1:502" }
            }
            """);

        var all = string.Join("\n", errors);
        Assert.Contains("Detection:DoorReversalCount", all, StringComparison.Ordinal);
        Assert.Contains("Gateway:BoxId: the box's identity is changed on site", all, StringComparison.Ordinal);
        Assert.Contains("Gateway:Lift:HighestFloor", all, StringComparison.Ordinal);
        Assert.Contains("Outbox:MaxBytes: the store", all, StringComparison.Ordinal);
        Assert.Contains("Modbus:Endpoint: unknown key", all, StringComparison.Ordinal);
        Assert.Contains("simulated lift", all, StringComparison.Ordinal);
        Assert.Contains("Detection:Typo: unknown key", all, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_value_is_named_with_its_key_and_range()
    {
        var errors = Create().Validate("""{ "Detection": { "EntrapmentSeconds": -1 } }""");

        Assert.Contains(errors, e => e.StartsWith("Detection:EntrapmentSeconds", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("[1, 2]", "not an object")]
    [InlineData("{ \"Detection\": ", "not valid JSON")]
    [InlineData("42", "not an object")]
    public void Config_json_that_is_not_an_object_of_sections_is_rejected(string json, string expected)
    {
        var errors = Create().Validate(json);

        Assert.Contains(errors, e => e.StartsWith("config_json: ", StringComparison.Ordinal) && e.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void A_key_the_installer_pinned_with_set_or_the_environment_cannot_be_changed_remotely()
    {
        var target = Create(("Detection:EntrapmentSeconds", "20"));

        Assert.Contains(target.Validate("""{ "Detection": { "EntrapmentSeconds": 40 } }"""),
            e => e.StartsWith("Detection:EntrapmentSeconds: is pinned on the box", StringComparison.Ordinal));
        Assert.Empty(target.Validate("""{ "Detection": { "EntrapmentSeconds": 20 } }"""));
    }

    [Fact]
    public async Task Apply_restarts_with_a_trial_and_stores_the_layer_only_once_the_pipeline_proved_itself()
    {
        var store = new RemoteConfigLayerStore(_temp.Path);
        var target = Create();

        await target.ApplyAsync("""{ "Detection": { "EntrapmentSeconds": 45 } }""", CancellationToken.None);

        var (settings, trial) = Assert.Single(_restarts);
        Assert.Equal(45, settings.Pipeline.Detection.EntrapmentSeconds);
        Assert.Equal(TimeSpan.FromSeconds(new GatewayOptions().RemoteConfigTrialSeconds), trial);
        Assert.Contains("45", File.ReadAllText(store.Path), StringComparison.Ordinal);
        Assert.Equal(45, JsonDocument.Parse(target.GetConfigJson()).RootElement.GetProperty("Detection").GetProperty("EntrapmentSeconds").GetDouble());
    }

    [Fact]
    public async Task A_failed_trial_stores_nothing_and_the_previous_layer_is_restored_without_a_trial()
    {
        var store = new RemoteConfigLayerStore(_temp.Path);
        var target = Create();
        await target.ApplyAsync("""{ "Detection": { "EntrapmentSeconds": 45 } }""", CancellationToken.None);
        var stored = File.ReadAllText(store.Path);

        // The command processor's sequence: validate, export, apply (fails), apply the export.
        var previous = target.ExportForRollback();
        _restartFails = new InvalidOperationException("after 15 s: link_lost");
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            target.ApplyAsync("""{ "Detection": { "EntrapmentSeconds": 50 } }""", CancellationToken.None));
        Assert.Contains("link_lost", failure.Message, StringComparison.Ordinal);
        Assert.Equal(stored, File.ReadAllText(store.Path));

        _restartFails = null;
        await target.ApplyAsync(previous, CancellationToken.None);

        Assert.Null(_restarts[^1].Trial);
        Assert.Equal(45, _restarts[^1].Settings.Pipeline.Detection.EntrapmentSeconds);
        Assert.Equal(stored, File.ReadAllText(store.Path));
        Assert.Empty(_fatal);
    }

    [Fact]
    public async Task When_even_the_previous_layer_cannot_be_restored_the_service_is_told_to_exit_for_systemd_to_restart_it()
    {
        var target = Create();
        var previous = target.ExportForRollback();
        _restartFails = new InvalidOperationException("port in use");

        await Assert.ThrowsAsync<InvalidOperationException>(() => target.ApplyAsync(previous, CancellationToken.None));

        Assert.Equal(["port in use"], _fatal);
    }

    [Fact]
    public async Task Uplink_settings_other_than_the_connection_may_change_and_the_uplink_restarts_once_the_response_has_left()
    {
        var target = Create();
        Assert.Contains(target.Validate("""{ "Mqtt": { "Host": "broker.elsewhere", "Tls": { "Enabled": true } } }"""),
            e => e.StartsWith("Mqtt:Host: the broker connection is changed on site", StringComparison.Ordinal));

        await target.ApplyAsync("""{ "Mqtt": { "PayloadFormat": "Json", "TestAlarmInterval": "1.00:00:00" } }""", CancellationToken.None);
        Assert.Empty(_uplinkRestarts);

        target.AcceptedResponseSent();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline && _uplinkRestarts.Count == 0)
        {
            await Task.Delay(10);
        }

        var options = Assert.Single(_uplinkRestarts);
        Assert.Equal(PayloadFormat.Json, options.PayloadFormat);
        Assert.Equal(TimeSpan.FromDays(1), options.TestAlarmInterval);

        // A change that leaves the uplink's settings as they are does not restart it.
        await target.ApplyAsync("""{ "Mqtt": { "PayloadFormat": "Json", "TestAlarmInterval": "1.00:00:00" }, "Detection": { "EntrapmentSeconds": 40 } }""", CancellationToken.None);
        target.AcceptedResponseSent();
        await Task.Delay(100);
        Assert.Single(_uplinkRestarts);
    }

    [Fact]
    public async Task An_empty_layer_clears_the_remote_changes()
    {
        var target = Create();
        await target.ApplyAsync("""{ "Detection": { "EntrapmentSeconds": 45 } }""", CancellationToken.None);

        await target.ApplyAsync("{}", CancellationToken.None);

        Assert.Equal(30, _restarts[^1].Settings.Pipeline.Detection.EntrapmentSeconds);
        Assert.Equal("{}", File.ReadAllText(new RemoteConfigLayerStore(_temp.Path).Path));
    }

    private RemoteConfigTarget Create(params (string Key, string Value)[] overrides)
    {
        var sets = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase) { ["Gateway:DataDirectory"] = _temp.Path };
        foreach (var (key, value) in overrides)
        {
            sets[key] = value;
        }

        var layers = ConfigurationLayers.Read(null, sets);
        var settings = GatewaySettings.Bind(layers.Compose(null), simulated: true, out var errors);
        Assert.True(settings is not null, string.Join("; ", errors));
        return new RemoteConfigTarget(layers, new RemoteConfigLayerStore(_temp.Path), null, settings, simulated: true, this, _fatal.Add, NullLogger.Instance);
    }

    Task IReconfigurablePipeline.ReconfigureAsync(GatewaySettings settings, TimeSpan? trial, CancellationToken cancellationToken)
    {
        _restarts.Add((settings, trial));
        return _restartFails is { } e ? Task.FromException(e) : Task.CompletedTask;
    }

    Task IReconfigurablePipeline.RestartUplinkAsync(MqttUplinkOptions options)
    {
        lock (_uplinkRestarts)
        {
            _uplinkRestarts.Add(options);
        }

        return Task.CompletedTask;
    }
}
