using EdgeGateway.Host.Configuration;
using EdgeGateway.Uplink.Mqtt;

namespace EdgeGateway.Host.RemoteConfiguration;

/// <summary>What set_config needs of the running pipeline (implemented by <c>GatewayPipeline</c>).</summary>
public interface IReconfigurablePipeline
{
    /// <summary>
    /// Replaces acquisition and detection with parts built from <paramref name="settings"/>; with a <paramref name="trial"/>
    /// they must prove themselves for that long, else this throws saying why.
    /// </summary>
    Task ReconfigureAsync(GatewaySettings settings, TimeSpan? trial, CancellationToken cancellationToken);

    /// <summary>Replaces the MQTT uplink with one using <paramref name="options"/> (same broker and identity; the outbox keeps everything).</summary>
    Task RestartUplinkAsync(MqttUplinkOptions options);
}
