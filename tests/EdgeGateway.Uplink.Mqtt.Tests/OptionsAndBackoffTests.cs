using FsCheck;
using FsCheck.Fluent;

namespace EdgeGateway.Uplink.Mqtt.Tests;

public sealed class MqttUplinkOptionsValidatorTests
{
    [Fact]
    public void Defaults_are_valid()
    {
        Assert.True(new MqttUplinkOptionsValidator().Validate(null, new MqttUplinkOptions()).Succeeded);
    }

    [Fact]
    public void Every_error_is_reported_at_once_with_its_key_and_no_secret()
    {
        var options = new MqttUplinkOptions
        {
            Enabled = true,
            Host = " ",
            Port = 70000,
            Password = "top-secret",
            Tls = new MqttTlsOptions { Enabled = true, ClientCertFile = "box.crt" },
            KeepAlive = TimeSpan.FromSeconds(1),
            TelemetryBatchSize = 0,
            TestAlarmInterval = TimeSpan.FromDays(4),
            CommandHmacKey = "c2hvcnQ=",
            StateDirectory = "",
            ReconnectMaxDelay = TimeSpan.FromMilliseconds(1),
        };
        var result = new MqttUplinkOptionsValidator().Validate(null, options);
        Assert.True(result.Failed);
        var failures = result.Failures!.ToList();
        foreach (var key in new[]
                 {
                     "Mqtt:Host", "Mqtt:Port", "Mqtt:Username", "Mqtt:Tls:ClientCertFile", "Mqtt:KeepAlive", "Mqtt:TelemetryBatchSize",
                     "Mqtt:TestAlarmInterval", "Mqtt:CommandHmacKey", "Mqtt:StateDirectory", "Mqtt:ReconnectMaxDelay",
                 })
        {
            Assert.Contains(failures, f => f.StartsWith(key + ":", StringComparison.Ordinal));
        }

        Assert.DoesNotContain(failures, f => f.Contains("top-secret", StringComparison.Ordinal) || f.Contains("c2hvcnQ=", StringComparison.Ordinal));
    }

    [Fact]
    public void Certificate_files_without_TLS_are_refused()
    {
        var result = new MqttUplinkOptionsValidator().Validate(null, new MqttUplinkOptions { Tls = new MqttTlsOptions { CaFile = "ca.crt" } });
        Assert.Contains(result.Failures!, f => f.StartsWith("Mqtt:Tls:Enabled:", StringComparison.Ordinal));
    }

    [Fact]
    public void Validation_does_no_IO()
    {
        // Files that do not exist are fine at validation time: they are loaded when connecting.
        var options = new MqttUplinkOptions
        {
            Enabled = true,
            Tls = new MqttTlsOptions { Enabled = true, CaFile = "/nonexistent/ca.crt", ClientCertFile = "/nonexistent/box.pfx" },
        };
        Assert.True(new MqttUplinkOptionsValidator().Validate(null, options).Succeeded);
    }
}

public sealed class ReconnectBackoffTests
{
    [Fact]
    public void Ceiling_doubles_from_the_base_up_to_the_cap()
    {
        var backoff = new ReconnectBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(2));
        Assert.Equal([1, 2, 4, 8, 16, 32, 64, 120, 120], Enumerable.Range(0, 9).Select(a => (int)backoff.Ceiling(a).TotalSeconds));
        Assert.Equal(TimeSpan.FromMinutes(2), backoff.Ceiling(int.MaxValue));
    }

    [Fact]
    public void Full_jitter_stays_within_zero_and_the_ceiling_property()
    {
        var backoff = new ReconnectBackoff(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(60), new Random(1234));
        Prop.ForAll<byte>(attempt =>
        {
            var delay = backoff.Next(attempt);
            return delay >= TimeSpan.Zero && delay <= backoff.Ceiling(attempt);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void A_fleet_spreads_its_reconnects_over_the_window()
    {
        // 1000 boxes at attempt 6 (ceiling 32 s): full jitter spreads them, so no second holds more than a few percent.
        var backoff = new ReconnectBackoff(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(60), new Random(42));
        var perSecond = Enumerable.Range(0, 1000).Select(_ => (int)backoff.Next(6).TotalSeconds).GroupBy(s => s).Max(g => g.Count());
        Assert.InRange(perSecond, 1, 60);
    }
}
