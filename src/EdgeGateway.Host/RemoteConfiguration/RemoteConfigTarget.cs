using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeGateway.Host.Configuration;
using EdgeGateway.Host.Hosting;
using EdgeGateway.Uplink.Mqtt.Commands;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Host.RemoteConfiguration;

/// <summary>
/// get_config and set_config for the running gateway. set_config carries the box's whole remote layer: a JSON object of
/// sections that sits above the site file and below the box's own overrides (<see cref="ConfigurationLayers"/>); it
/// replaces the previous remote layer, and <c>{}</c> clears it. A new layer is validated with the start-up validators
/// (every error with its key path, no I/O), the pipeline is restarted in place with it and must prove itself for the
/// trial period (<see cref="GatewayOptions.RemoteConfigTrialSeconds"/>); only then is the layer stored. When the
/// trial fails, the command processor applies the previous layer again, which restarts without a trial.
/// </summary>
public sealed class RemoteConfigTarget : IRemoteConfigTarget
{
    /// <summary>
    /// Keys the platform cannot change, with why. The broker connection and the store stay as the installer set them:
    /// a wrong broker or store would cut the box off with no remote way back, and moving the data directory or renaming
    /// the box or lift would orphan queued alarms or break the platform's de-duplication by box and id. The uplink's
    /// other settings (payload format, alarm re-publication, test alarm interval, batching...) may change: the uplink
    /// restarts with them once the response has left.
    /// </summary>
    private static readonly (string Prefix, string Reason)[] SiteOnly =
    [
        .. SiteOnlyMqtt("Enabled", "Host", "Port", "Tls", "Username", "Password", "ClientId", "Protocol"),
        ("Mqtt:CommandHmacKey", "the key that guards set_config is changed on site, not remotely"),
        ("Mqtt:StateDirectory", "the uplink's state lives in the data directory and is changed on site, not remotely"),
        ("Mqtt:ClockSync", "the clock source is changed on site, not remotely"),
        ("Outbox", "the store holding accepted messages is changed on site, not remotely"),
        ("Gateway:BoxId", "the box's identity is changed on site, not remotely"),
        ("Gateway:DataDirectory", "the data directory holds queued messages and is changed on site, not remotely"),
        ("Gateway:Lift:Id", "the lift's identity names its topics and is changed on site, not remotely"),
        ("Gateway:RemoteConfigTrialSeconds", "the trial period guards remote changes and is changed on site, not remotely"),
    ];

    private readonly ConfigurationLayers _layers;
    private readonly RemoteConfigLayerStore _store;
    private readonly bool _simulated;
    private readonly IReconfigurablePipeline _pipeline;
    private readonly Action<string> _fatal;
    private readonly ILogger _logger;
    private readonly object _gate = new();
    private string _layer;
    private GatewaySettings _current;
    private string? _exported;
    private Uplink.Mqtt.MqttUplinkOptions? _uplinkRestartPending;

    /// <param name="pipeline">The running pipeline, restarted with new settings.</param>
    /// <param name="fatal">Called when even the previous configuration cannot be restored: the service should exit so systemd restarts it.</param>
    public RemoteConfigTarget(ConfigurationLayers layers, RemoteConfigLayerStore store, string? currentLayer, GatewaySettings current, bool simulated,
        IReconfigurablePipeline pipeline, Action<string> fatal, ILogger logger)
    {
        _layers = layers;
        _store = store;
        _layer = string.IsNullOrWhiteSpace(currentLayer) ? "{}" : currentLayer;
        _current = current;
        _simulated = simulated;
        _pipeline = pipeline;
        _fatal = fatal;
        _logger = logger;
    }

    public string GetConfigJson()
    {
        lock (_gate)
        {
            return ConfigurationJson.Serialize(_current).ToJsonString();
        }
    }

    public string ExportForRollback()
    {
        lock (_gate)
        {
            _exported = _layer;
            return _layer;
        }
    }

    public IReadOnlyList<string> Validate(string configJson) => Prepare(configJson, out _, out _);

    public async Task ApplyAsync(string configJson, CancellationToken cancellationToken)
    {
        var errors = Prepare(configJson, out var layer, out var settings);
        if (errors.Count > 0)
        {
            throw new InvalidOperationException("invalid configuration: " + string.Join("; ", errors));
        }

        // The previous layer handed out for rollback is known good: it is restored without a trial (and never fails
        // one because the lift happens to be in a fault right now).
        var restoring = _exported is not null && string.Equals(configJson, _exported, StringComparison.Ordinal);
        var trial = restoring ? (TimeSpan?)null : TimeSpan.FromSeconds(settings!.Pipeline.Gateway.RemoteConfigTrialSeconds);
        try
        {
            await _pipeline.ReconfigureAsync(settings!, trial, cancellationToken).ConfigureAwait(false);
            if (!restoring)
            {
                // Stored only once proven: a box that loses power during the trial comes back with the last good layer.
                _store.Save(layer!);
            }
        }
        catch (Exception ex) when (restoring && ex is not OperationCanceledException)
        {
            // (Cancelled means the service is stopping: it restarts with the stored layer anyway.)
            Log.RestoreFailed(_logger, ex.Message);
            _fatal(ex.Message);
            throw;
        }

        lock (_gate)
        {
            if (!restoring && !ConfigurationJson.SameOptions(_current.Pipeline.Mqtt, settings!.Pipeline.Mqtt))
            {
                _uplinkRestartPending = settings.Pipeline.Mqtt;
            }

            _layer = layer!;
            _current = settings!;
            _exported = null;
        }

        Log.RemoteConfig(_logger, restoring ? "restored" : "applied", $"remote layer {Describe(layer!)}");
    }

    public void AcceptedResponseSent()
    {
        if (Interlocked.Exchange(ref _uplinkRestartPending, null) is { } options)
        {
            // Not awaited: this runs on the uplink's own command loop, which must finish for the uplink to stop.
            _ = RestartUplinkAsync(options);
        }
    }

    private async Task RestartUplinkAsync(Uplink.Mqtt.MqttUplinkOptions options)
    {
        try
        {
            await Task.Yield();
            await _pipeline.RestartUplinkAsync(options).ConfigureAwait(false);
            Log.RemoteConfig(_logger, "applied", "the uplink restarted with its new settings");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.RemoteConfig(_logger, "incomplete", $"the uplink could not restart with its new settings ({ex.Message}); they apply at the next start");
        }
    }

    private static IEnumerable<(string Prefix, string Reason)> SiteOnlyMqtt(params string[] keys)
    {
        foreach (var key in keys)
        {
            yield return ($"Mqtt:{key}", "the broker connection is changed on site, not remotely (a wrong value would cut the box off)");
        }
    }

    /// <summary>
    /// Checks <paramref name="configJson"/> as a remote layer and builds what it would run with. Errors name each key path;
    /// nothing is read from disk or changed.
    /// </summary>
    private List<string> Prepare(string configJson, out string? layer, out GatewaySettings? settings)
    {
        layer = null;
        settings = null;
        var errors = new List<string>();
        if (RemoteConfigLayerStore.ParseProblem(configJson) is { } problem)
        {
            errors.Add("config_json: " + problem);
            return errors;
        }

        var root = JsonNode.Parse(configJson, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true })!.AsObject();
        var requested = ConfigurationJson.Flatten(root);

        Dictionary<string, string?> inEffect;
        lock (_gate)
        {
            inEffect = ConfigurationJson.Flatten(ConfigurationJson.Serialize(_current));
        }

        // Keys sent back as they are in effect (a get_config edited and returned, secrets still redacted) are fine
        // anywhere; they are dropped from the layer, so the site file keeps deciding them.
        foreach (var (key, value) in requested)
        {
            var unchanged = inEffect.TryGetValue(key, out var current) && ConfigurationJson.SameValue(value, current);
            if (SiteOnlyReason(key) is { } reason)
            {
                if (!unchanged)
                {
                    errors.Add($"{key}: {reason}");
                }

                ConfigurationJson.RemoveLeaf(root, key);
            }
            else if (_layers.IsSetLocally(key) && !unchanged)
            {
                errors.Add($"{key}: is pinned on the box itself (EDGEGW_ environment or --set) and cannot be changed remotely");
            }
        }

        // Every problem at once: the rest of the layer is checked even when a key above was refused.
        var candidate = root.ToJsonString();
        Microsoft.Extensions.Configuration.IConfigurationRoot composed;
        try
        {
            composed = _layers.Compose(candidate);
        }
        catch (FormatException ex)
        {
            errors.Add("config_json: " + ex.Message);
            return errors;
        }

        settings = GatewaySettings.BindEvenIfInvalid(composed, _simulated, out var invalid);
        errors.AddRange(invalid);

        // A misspelt key would otherwise be ignored silently: every key sent must be one this box has. (Valid or
        // not, the bound options hold every key the box knows.)
        var known = ConfigurationJson.Flatten(ConfigurationJson.Serialize(settings));
        foreach (var key in ConfigurationJson.Flatten(root).Keys)
        {
            if (!known.ContainsKey(key) && !known.Keys.Any(k => k.StartsWith(key + ":", StringComparison.OrdinalIgnoreCase)))
            {
                errors.Add($"{key}: unknown key (this box has no such option{(IsHardwareSection(key) && _simulated ? "; it runs the simulated lift" : string.Empty)})");
            }
        }

        if (errors.Count > 0)
        {
            settings = null;
            return errors;
        }

        layer = candidate;
        return errors;
    }

    private static string? SiteOnlyReason(string key)
    {
        foreach (var (prefix, reason) in SiteOnly)
        {
            if (key.Equals(prefix, StringComparison.OrdinalIgnoreCase) || key.StartsWith(prefix + ":", StringComparison.OrdinalIgnoreCase))
            {
                return reason;
            }
        }

        return null;
    }

    private static bool IsHardwareSection(string key) =>
        key.StartsWith("Modbus", StringComparison.OrdinalIgnoreCase) || key.StartsWith("Gpio", StringComparison.OrdinalIgnoreCase)
        || key.StartsWith("Accelerometer", StringComparison.OrdinalIgnoreCase);

    /// <summary>Which keys a layer sets (values left out: a layer is configuration, and logs are no place for it).</summary>
    private static string Describe(string layer)
    {
        using var document = JsonDocument.Parse(layer);
        var keys = ConfigurationJson.Flatten(document.RootElement).Keys.ToList();
        return keys.Count == 0 ? "cleared (site configuration only)" : $"sets {string.Join(", ", keys)}";
    }
}
