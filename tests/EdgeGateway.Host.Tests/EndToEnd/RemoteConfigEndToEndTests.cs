using System.Text;
using System.Text.Json;
using EdgeGateway.Acquisition.Modbus.Maps;
using EdgeGateway.Acquisition.Modbus.Polling;
using EdgeGateway.Core.Signals;
using EdgeGateway.Host.Tests.Hosting;
using EdgeGateway.Simulation.Lift;
using EdgeGateway.Simulation.ModbusServing;
using EdgeGateway.Testing.Files;
using EdgeGateway.Testing.Modbus;
using EdgeGateway.Testing.Mqtt;
using EdgeGateway.Uplink.Mqtt.Schema.V1;
using EdgeGateway.Uplink.Mqtt.Tests.Support;
using Google.Protobuf;

namespace EdgeGateway.Host.Tests.EndToEnd;

/// <summary>
/// get_config and set_config as the platform uses them against a real box: a child <c>edgegw run</c> on hardware
/// configuration (the lift controller is a Modbus TCP slave on loopback, named in the site file), a real mosquitto,
/// commands published on <c>lifts/{lift}/cmd/...</c> and answered on <c>cmd/response</c>.
/// </summary>
[Collection(nameof(EndToEndCollection))]
public sealed class RemoteConfigEndToEndTests : IDisposable
{
    private const string LiftId = "31101101002015000888";
    private const string MqttSecret = "s3cret-pw-never-published";
    private readonly TempDirectory _temp = new("edgegw-rcfg-");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Set_config_is_validated_applied_in_place_rolled_back_when_the_pipeline_fails_its_trial_and_kept_across_restarts()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var controller = SimulatedControllerSlave.ServeTcp(IdleAtFloorZero, GenericMap());
        var siteFile = WriteSiteFile(controller.ModbusEndpoint!);
        await using var platform = await TestSubscriber.ConnectAsync(broker.Host, broker.Port, $"lifts/{LiftId}/#");

        using (var gateway = StartGateway(siteFile, broker.Port))
        {
            await gateway.WaitForLineAsync("Source modbus", TimeSpan.FromSeconds(60));
            await platform.WaitUntilAsync(m => m.Any(r => r.Topic.EndsWith("/status", StringComparison.Ordinal)), TimeSpan.FromSeconds(30));

            // get_config: what is in effect, the site file's values included, secrets redacted.
            var current = await SendAsync(platform, "get_config", "get-1", null);
            Assert.Equal(CommandOutcome.Accepted, current.Outcome);
            Assert.Equal(30, Value(current.ConfigJson, "Detection", "EntrapmentSeconds").GetDouble());
            Assert.Equal(controller.ModbusEndpoint, Value(current.ConfigJson, "Modbus", "Endpoint").GetString());
            Assert.Equal("(redacted)", Value(current.ConfigJson, "Mqtt", "Password").GetString());

            // Invalid: every problem named by its key, nothing applied.
            var invalid = await SendAsync(platform, "set_config", "set-bad",
                """{"Detection":{"EntrapmentSeconds":"soon","DoorReversalCount":-3},"Mqtt":{"Host":"broker.elsewhere"},"Detecton":{"X":1}}""");
            Assert.Equal(CommandOutcome.Rejected, invalid.Outcome);
            Assert.Contains("Detection:EntrapmentSeconds", invalid.Reason, StringComparison.Ordinal);
            Assert.Contains("Mqtt:Host", invalid.Reason, StringComparison.Ordinal);
            Assert.Contains("Detecton:X", invalid.Reason, StringComparison.Ordinal);
            Assert.False(File.Exists(RemoteLayerPath), "a rejected configuration must not be stored");

            // Valid: applied in place (the pipeline restarts, the uplink stays connected), kept after its trial.
            var applied = await SendAsync(platform, "set_config", "set-ok", """{"Detection":{"EntrapmentSeconds":45}}""");
            Assert.True(applied.Outcome == CommandOutcome.Accepted, applied.Reason);
            Assert.Equal(45, Value(applied.ConfigJson, "Detection", "EntrapmentSeconds").GetDouble());
            Assert.Contains("45", await File.ReadAllTextAsync(RemoteLayerPath), StringComparison.Ordinal);

            // Valid but broken on this site: the controller is not at that address. The trial sees the link lost, the
            // previous configuration is restored and the stored layer is unchanged.
            var nowhere = $"127.0.0.1:{LoopbackPorts.Free()}";
            var broken = await SendAsync(platform, "set_config", "set-broken",
                "{\"Detection\":{\"EntrapmentSeconds\":45},\"Modbus\":{\"Endpoint\":\"" + nowhere + "\"}}");
            Assert.Equal(CommandOutcome.Failed, broken.Outcome);
            Assert.Contains("previous configuration was restored", broken.Reason, StringComparison.Ordinal);
            Assert.Contains("link_lost", broken.Reason, StringComparison.Ordinal);
            Assert.Equal(controller.ModbusEndpoint, Value(broken.ConfigJson, "Modbus", "Endpoint").GetString());
            Assert.DoesNotContain("Endpoint", await File.ReadAllTextAsync(RemoteLayerPath), StringComparison.Ordinal);

            // The restored pipeline runs: the box still answers and the link is up again.
            var after = await SendAsync(platform, "get_config", "get-2", null);
            Assert.Equal(45, Value(after.ConfigJson, "Detection", "EntrapmentSeconds").GetDouble());

            // An uplink setting: answered in protobuf on the connection that received it, then the uplink restarts and
            // speaks JSON (the cloud team's debugging mode).
            var json = await SendAsync(platform, "set_config", "set-json", """{"Detection":{"EntrapmentSeconds":45},"Mqtt":{"PayloadFormat":"Json"}}""");
            Assert.True(json.Outcome == CommandOutcome.Accepted, json.Reason);
            Assert.True(await platform.WaitUntilAsync(m => m.Any(r => r.Topic.EndsWith("/status", StringComparison.Ordinal) && r.Payload[0] == (byte)'{'
                && r.Envelope.Birth.Online), TimeSpan.FromSeconds(30)), "no JSON birth after the uplink restarted");
            var jsonAnswer = await SendAsync(platform, "ping", "ping-json", null);
            Assert.Equal(CommandOutcome.Accepted, jsonAnswer.Outcome);
            var raw = platform.Messages.Last(m => m.Topic.EndsWith("/cmd/response", StringComparison.Ordinal)).Payload;
            Assert.Equal((byte)'{', raw[0]);
            Assert.DoesNotContain(gateway.Lines, l => l.Contains(MqttSecret, StringComparison.Ordinal));
        }

        // The accepted layer survives a restart.
        using (var restarted = StartGateway(siteFile, broker.Port))
        {
            await restarted.WaitForLineAsync("Source modbus", TimeSpan.FromSeconds(60));
            var reloaded = await SendAsync(platform, "get_config", "get-3", null, TimeSpan.FromSeconds(60));
            Assert.Equal(45, Value(reloaded.ConfigJson, "Detection", "EntrapmentSeconds").GetDouble());
        }

        Assert.DoesNotContain(platform.Messages, m => Encoding.UTF8.GetString(m.Payload).Contains(MqttSecret, StringComparison.Ordinal));
    }

    /// <summary>
    /// The trial refuses what a change breaks, not what was already broken: with the controller link already lost, a
    /// detection change is still accepted (the maintenance firm may be tuning the very box that has a problem).
    /// </summary>
    [Fact]
    public async Task A_fault_already_active_before_the_change_does_not_fail_its_trial()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var controller = SimulatedControllerSlave.ServeTcp(IdleAtFloorZero, GenericMap());
        var siteFile = WriteSiteFile(controller.ModbusEndpoint!);
        await using var platform = await TestSubscriber.ConnectAsync(broker.Host, broker.Port, $"lifts/{LiftId}/#");
        using var gateway = StartGateway(siteFile, broker.Port);
        await gateway.WaitForLineAsync("Source modbus", TimeSpan.FromSeconds(60));
        await platform.WaitUntilAsync(m => m.Any(r => r.Topic.EndsWith("/status", StringComparison.Ordinal)), TimeSpan.FromSeconds(30));

        await controller.DisposeAsync();
        await gateway.WaitForLineAsync("link_lost raised", TimeSpan.FromSeconds(30));

        var applied = await SendAsync(platform, "set_config", "set-while-down", """{"Detection":{"EntrapmentSeconds":40}}""");
        Assert.True(applied.Outcome == CommandOutcome.Accepted, applied.Reason);
        Assert.Equal(40, Value(applied.ConfigJson, "Detection", "EntrapmentSeconds").GetDouble());
    }

    [Fact]
    public async Task A_stored_layer_that_no_longer_validates_is_moved_aside_and_the_box_starts_on_its_site_configuration()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(RemoteLayerPath)!);
        await File.WriteAllTextAsync(RemoteLayerPath, """{"Detection":{"EntrapmentSeconds":-5}}""");

        var (exitCode, output) = await EdgegwProcess.RunAsync(
            ["record", "--simulate", "--duration", "3", "--out", Path.Combine(_temp.Path, "run.trace.jsonl"), "--data", Path.Combine(_temp.Path, "data")],
            TimeSpan.FromSeconds(90));

        Assert.True(exitCode == 0, output);
        Assert.Contains("Detection:EntrapmentSeconds", output, StringComparison.Ordinal);
        Assert.Contains("running on the site configuration", output, StringComparison.Ordinal);
        Assert.False(File.Exists(RemoteLayerPath));
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(RemoteLayerPath)!, "remote.json.rejected-*.reason.txt"));
    }

    private string RemoteLayerPath => Path.Combine(_temp.Path, "data", "config", "remote.json");

    private string WriteSiteFile(string endpoint)
    {
        var path = Path.Combine(_temp.Path, "edgegw.json");
        File.WriteAllText(path, $$"""
            {
              "Gateway": { "BoxId": "box-rcfg", "Lift": { "Id": "{{LiftId}}" }, "RemoteConfigTrialSeconds": 5 },
              "Modbus": { "Transport": "tcp", "Endpoint": "{{endpoint}}", "SlaveId": 1 },
              "Detection": { "LinkLostSeconds": 2 }
            }
            """);
        return path;
    }

    private EdgegwProcess StartGateway(string siteFile, int brokerPort) => EdgegwProcess.Start(
    [
        "run", "--plain", "--config", siteFile, "--data", Path.Combine(_temp.Path, "data"),
        "--set", "Mqtt:Enabled=true",
        "--set", "Mqtt:Host=127.0.0.1",
        "--set", $"Mqtt:Port={brokerPort}",
        "--set", "Mqtt:Username=box-rcfg",
        "--set", $"Mqtt:Password={MqttSecret}",
        "--set", "Mqtt:ReconnectInitialDelay=00:00:00.200",
        "--set", "Mqtt:ReconnectMaxDelay=00:00:01",
    ]);

    private static async Task<CommandResponse> SendAsync(TestSubscriber platform, string name, string requestId, string? configJson, TimeSpan? timeout = null)
    {
        var request = new CommandRequest { RequestId = requestId, Name = name, IssuedUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() };
        if (configJson is not null)
        {
            request.SetConfig = new SetConfigArgs { ConfigJson = configJson };
        }

        // Re-sent until answered: the box may still be subscribing after a restart.
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(45));
        while (DateTime.UtcNow < deadline)
        {
            await platform.PublishAsync($"lifts/{LiftId}/cmd/{name}", request.ToByteArray());
            var answered = await platform.WaitUntilAsync(m => Response(m, requestId) is not null, TimeSpan.FromSeconds(name == "set_config" ? 40 : 5));
            if (answered)
            {
                return Response(platform.Messages, requestId)!;
            }

            if (name == "set_config")
            {
                break;
            }
        }

        throw new TimeoutException($"no response to {name} {requestId}");
    }

    private static CommandResponse? Response(IReadOnlyList<TestSubscriber.Received> messages, string requestId)
    {
        foreach (var m in messages)
        {
            if (m.Topic.EndsWith("/cmd/response", StringComparison.Ordinal) && m.Envelope.BodyCase == Envelope.BodyOneofCase.CommandResponse
                && m.Envelope.CommandResponse.RequestId == requestId)
            {
                return m.Envelope.CommandResponse;
            }
        }

        return null;
    }

    private static JsonElement Value(string json, params string[] path)
    {
        var element = JsonDocument.Parse(json).RootElement;
        foreach (var name in path)
        {
            element = element.GetProperty(name);
        }

        return element.Clone();
    }

    private static RegisterMap GenericMap() =>
        RegisterMapLoader.Load(ModbusControllerSource.ResolveMapPath(new ModbusOptions().MapFile), TimeSpan.FromMilliseconds(100));

    /// <summary>A lift standing at floor 0, doors closed, in normal service: a controller with nothing to report.</summary>
    private static LiftSnapshot IdleAtFloorZero() => new(
        TimeMicros: 0, PositionMm: 0, SpeedMmS: 0, Floor: 0, Dir: TravelDirection.None, Run: false, Door: DoorState.Closed, Lock: true,
        Safety: true, Fault: 0, Mode: LiftMode.Normal, Link: true, Zone: true, Occupied: false, Alarm: false, Mains: true,
        CarAccelerationMs2: 0, ActiveFault: null);
}
