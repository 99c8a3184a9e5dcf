using System.Collections.Concurrent;
using EdgeGateway.Uplink.Mqtt.Schema;
using EdgeGateway.Uplink.Mqtt.Schema.V1;
using MQTTnet;
using MQTTnet.Protocol;

namespace EdgeGateway.Uplink.Mqtt.Tests.Support;

/// <summary>The platform's side in tests: a real MQTTnet client that subscribes to a lift's topics and records what arrives.</summary>
public sealed class TestSubscriber : IAsyncDisposable
{
    private readonly IMqttClient _client;
    private readonly ConcurrentQueue<Received> _received = new();

    private TestSubscriber(IMqttClient client)
    {
        _client = client;
        _client.ApplicationMessageReceivedAsync += e =>
        {
            _received.Enqueue(new Received(e.ApplicationMessage.Topic, System.Buffers.BuffersExtensions.ToArray(e.ApplicationMessage.Payload), e.ApplicationMessage.Retain));
            return Task.CompletedTask;
        };
    }

    public sealed record Received(string Topic, byte[] Payload, bool Retain)
    {
        public Envelope Envelope => UplinkPayloads.Parse(Payload);
    }

    public IReadOnlyList<Received> Messages => [.. _received];

    public static async Task<TestSubscriber> ConnectAsync(string host, int port, string topicFilter, string clientId = "platform")
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var subscriber = new TestSubscriber(client);
        await subscriber.ConnectCoreAsync(host, port, clientId, topicFilter);
        return subscriber;
    }

    /// <summary>Reconnects after a broker restart (a non-persistent broker forgets the subscription).</summary>
    public async Task ReconnectAsync(string host, int port, string topicFilter, string clientId = "platform")
    {
        if (_client.IsConnected)
        {
            await _client.DisconnectAsync();
        }

        await ConnectCoreAsync(host, port, clientId, topicFilter);
    }

    public IReadOnlyList<Received> On(string topic) => Messages.Where(m => m.Topic == topic).ToList();

    /// <summary>Waits (bounded) until <paramref name="condition"/> holds for the messages so far; returns whether it did.</summary>
    public async Task<bool> WaitUntilAsync(Func<IReadOnlyList<Received>, bool> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (DateTime.UtcNow < deadline)
        {
            if (condition(Messages))
            {
                return true;
            }

            await Task.Delay(25);
        }

        return condition(Messages);
    }

    public async Task PublishAsync(string topic, byte[] payload)
    {
        var message = new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build();
        await _client.PublishAsync(message);
    }

    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected)
        {
            await _client.DisconnectAsync();
        }

        _client.Dispose();
    }

    private async Task ConnectCoreAsync(string host, int port, string clientId, string topicFilter)
    {
        var options = new MqttClientOptionsBuilder().WithTcpServer(host, port).WithClientId(clientId).WithCleanSession(true).Build();
        await _client.ConnectAsync(options);
        await _client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter(f => f.WithTopic(topicFilter).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)).Build());
    }
}
