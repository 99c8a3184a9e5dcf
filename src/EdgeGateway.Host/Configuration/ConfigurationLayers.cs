using System.Text;
using EdgeGateway.Host.Hosting;
using Microsoft.Extensions.Configuration;

namespace EdgeGateway.Host.Configuration;

/// <summary>
/// Where the gateway's configuration comes from, lowest priority first: the embedded defaults (the options classes),
/// the site file (<c>--config</c>), the remote layer (what <c>set_config</c> last stored, in the data directory), then
/// the box's own overrides (<c>EDGEGW_</c> environment variables and <c>--set</c>). The installer's local overrides
/// win over the platform's remote layer, so a box pinned on site stays pinned.
/// </summary>
public sealed class ConfigurationLayers
{
    private readonly IConfigurationRoot _file;
    private readonly IConfigurationRoot _local;

    private ConfigurationLayers(string? configFile, IConfigurationRoot file, IConfigurationRoot local)
    {
        ConfigFile = configFile;
        _file = file;
        _local = local;
    }

    /// <summary>The site file's full path, or null when the box runs on the embedded defaults.</summary>
    public string? ConfigFile { get; }

    /// <summary>The data directory the file and the local overrides name (the remote layer may not move it).</summary>
    public string DataDirectory =>
        _local[$"{GatewayOptions.SectionName}:DataDirectory"] ?? _file[$"{GatewayOptions.SectionName}:DataDirectory"] ?? new GatewayOptions().DataDirectory;

    /// <summary>Reads the site file, the environment and the overrides; throws <see cref="InvalidDataException"/> naming a bad file.</summary>
    public static ConfigurationLayers Read(string? configFile, IReadOnlyDictionary<string, string?> overrides)
    {
        var file = new ConfigurationBuilder();
        string? full = null;
        if (configFile is not null)
        {
            full = Path.GetFullPath(configFile);
            if (!File.Exists(full))
            {
                throw new InvalidDataException($"configuration file '{full}' does not exist.");
            }

            file.AddJsonFile(full, optional: false, reloadOnChange: false);
        }

        IConfigurationRoot fileRoot;
        try
        {
            fileRoot = file.Build();
        }
        catch (InvalidDataException ex)
        {
            // JsonConfigurationProvider reports the file and the line; keep its words and add which option it came from.
            throw new InvalidDataException($"configuration file '{configFile}' is not valid JSON: {ex.InnerException?.Message ?? ex.Message}", ex);
        }

        var local = new ConfigurationBuilder()
            .AddEnvironmentVariables(GatewayHostBuilder.EnvironmentPrefix)
            .AddInMemoryCollection(overrides)
            .Build();
        return new ConfigurationLayers(full, fileRoot, local);
    }

    /// <summary>True when the box itself (environment or <c>--set</c>) sets <paramref name="key"/>: the remote layer cannot change it.</summary>
    public bool IsSetLocally(string key) => _local[key] is not null;

    /// <summary>
    /// The layers with <paramref name="remoteLayerJson"/> (a JSON object of sections, or null for none) in its place.
    /// Throws <see cref="FormatException"/> when that JSON is not an object of sections.
    /// </summary>
    public IConfigurationRoot Compose(string? remoteLayerJson)
    {
        var builder = new ConfigurationBuilder().AddConfiguration(_file, shouldDisposeConfiguration: false);
        if (!string.IsNullOrWhiteSpace(remoteLayerJson))
        {
            builder.AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(remoteLayerJson)));
        }

        builder.AddConfiguration(_local, shouldDisposeConfiguration: false);
        try
        {
            return builder.Build();
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or InvalidDataException)
        {
            throw new FormatException($"the remote configuration layer is not a JSON object of sections: {ex.Message}", ex);
        }
    }
}
