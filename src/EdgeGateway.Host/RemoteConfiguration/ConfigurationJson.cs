using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using EdgeGateway.Host.Configuration;

namespace EdgeGateway.Host.RemoteConfiguration;

/// <summary>
/// The configuration as JSON, in the configuration's own shape (sections of PascalCase keys, the same one a site file
/// or set_config uses), and the flat "Section:Key:0" view configuration keys have.
/// </summary>
public static class ConfigurationJson
{
    /// <summary>What a secret reads as in get_config. Sent back unchanged in set_config, it means "keep the value in effect".</summary>
    public const string Redacted = "(redacted)";

    /// <summary>Keys whose values are secrets: never published, never logged.</summary>
    private static readonly string[] SecretKeys = ["Mqtt:Password", "Mqtt:Tls:ClientCertPassword", "Mqtt:CommandHmacKey"];

    private static readonly JsonSerializerOptions Serializer = new()
    {
        // Computed properties (e.g. Mqtt:EffectivePort) are not settable, so they are not configuration.
        IgnoreReadOnlyProperties = true,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>Every section of <paramref name="settings"/> as one JSON object; secrets that are set read as <see cref="Redacted"/>.</summary>
    public static JsonObject Serialize(GatewaySettings settings)
    {
        var root = new JsonObject();
        foreach (var (section, options) in settings.Sections())
        {
            var node = JsonSerializer.SerializeToNode(options, options.GetType(), Serializer) as JsonObject ?? [];
            var parent = root;
            var parts = section.Split(':');
            for (var i = 0; i < parts.Length - 1; i++)
            {
                if (parent[parts[i]] is not JsonObject child)
                {
                    child = [];
                    parent[parts[i]] = child;
                }

                parent = child;
            }

            // "Detection" and its sub-sections ("Detection:Kpi", ...) are bound separately but form one object.
            if (parent[parts[^1]] is JsonObject existing)
            {
                foreach (var (key, value) in node.ToArray())
                {
                    node.Remove(key);
                    existing[key] = value;
                }
            }
            else
            {
                parent[parts[^1]] = node;
            }
        }

        foreach (var secret in SecretKeys)
        {
            var parts = secret.Split(':');
            JsonObject? parent = root;
            for (var i = 0; i < parts.Length - 1 && parent is not null; i++)
            {
                parent = parent[parts[i]] as JsonObject;
            }

            if (parent?[parts[^1]] is JsonValue value && value.GetValueKind() == JsonValueKind.String && value.GetValue<string>().Length > 0)
            {
                parent[parts[^1]] = Redacted;
            }
        }

        return root;
    }

    /// <summary>
    /// The leaves of a JSON object as configuration keys ("Detection:Kpi:DayOffsetMinutes", "Simulation:Faults:0:Fault")
    /// with their values as configuration reads them (null for JSON null). Keys compare case-insensitively, as in configuration.
    /// </summary>
    public static Dictionary<string, string?> Flatten(JsonElement element)
    {
        var leaves = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        Flatten(element, null, leaves);
        return leaves;
    }

    public static Dictionary<string, string?> Flatten(JsonNode node)
    {
        using var document = JsonDocument.Parse(node.ToJsonString());
        return Flatten(document.RootElement);
    }

    private static void Flatten(JsonElement element, string? path, Dictionary<string, string?> leaves)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var any = false;
                foreach (var property in element.EnumerateObject())
                {
                    any = true;
                    Flatten(property.Value, path is null ? property.Name : $"{path}:{property.Name}", leaves);
                }

                if (!any && path is not null)
                {
                    leaves[path] = null;
                }

                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    Flatten(item, $"{path}:{index.ToString(CultureInfo.InvariantCulture)}", leaves);
                    index++;
                }

                if (index == 0 && path is not null)
                {
                    leaves[path] = null;
                }

                break;
            case JsonValueKind.String:
                leaves[path!] = element.GetString();
                break;
            case JsonValueKind.Null:
                leaves[path!] = null;
                break;
            default:
                leaves[path!] = element.GetRawText();
                break;
        }
    }

    /// <summary>Removes the leaf <paramref name="key"/> from <paramref name="root"/> (and objects it leaves empty).</summary>
    public static void RemoveLeaf(JsonObject root, string key)
    {
        var parts = key.Split(':');
        var chain = new List<(JsonObject Parent, string Name)>();
        JsonNode? node = root;
        foreach (var part in parts)
        {
            if (node is not JsonObject parent)
            {
                return;
            }

            var name = parent.Select(p => p.Key).FirstOrDefault(k => string.Equals(k, part, StringComparison.OrdinalIgnoreCase));
            if (name is null)
            {
                return;
            }

            chain.Add((parent, name));
            node = parent[name];
        }

        for (var i = chain.Count - 1; i >= 0; i--)
        {
            var (parent, name) = chain[i];
            if (i == chain.Count - 1 || parent[name] is JsonObject { Count: 0 })
            {
                parent.Remove(name);
            }
        }
    }

    /// <summary>Whether two options objects hold the same configuration (every settable property).</summary>
    public static bool SameOptions<T>(T a, T b)
        where T : class =>
        JsonSerializer.Serialize(a, Serializer) == JsonSerializer.Serialize(b, Serializer);

    /// <summary>Whether two configuration values mean the same (configuration compares booleans and enum names without case).</summary>
    public static bool SameValue(string? a, string? b) =>
        string.Equals(a ?? string.Empty, b ?? string.Empty, StringComparison.OrdinalIgnoreCase);
}
