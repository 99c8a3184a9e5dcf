using System.Text.Json;
using System.Text.Json.Serialization;

namespace EdgeGateway.Detection.Tracing;

/// <summary>A configuration file for replay that is unreadable or invalid; the message lists every problem.</summary>
public sealed class DetectionConfigException : Exception
{
    public DetectionConfigException()
    {
    }

    public DetectionConfigException(string message)
        : base(message)
    {
    }

    public DetectionConfigException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// Loads <see cref="DetectionOptions"/> for replay from a JSON file shaped like the service's appsettings.json
/// (<c>{"Detection": {...}}</c>; a file that is just the section's object works too). Property names are matched
/// case-insensitively, unknown keys are errors (a typo must not silently fall back to a default), and the result is
/// validated by <see cref="DetectionOptionsValidator"/> with every problem reported at once.
/// </summary>
public static class DetectionConfigFile
{
    private static readonly JsonSerializerOptions SerializerOptions = new()
    {
        PropertyNameCaseInsensitive = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    public static DetectionOptions Load(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DetectionConfigException($"{path}: cannot read the configuration file ({e.Message})", e);
        }

        return Parse(bytes, path);
    }

    public static DetectionOptions Parse(ReadOnlySpan<byte> json, string source)
    {
        DetectionOptions? options;
        try
        {
            using var document = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new DetectionConfigException($"{source}: the configuration must be a JSON object");
            }

            var section = root;
            var hasSection = false;
            foreach (var property in root.EnumerateObject())
            {
                if (string.Equals(property.Name, DetectionOptions.SectionName, StringComparison.OrdinalIgnoreCase))
                {
                    section = property.Value;
                    hasSection = true;
                }
            }

            if (!hasSection && IsOtherConfiguration(root))
            {
                // An appsettings.json without a Detection section: the defaults apply.
                return new DetectionOptions();
            }

            // Sub-sections of "Detection" that belong to other parts of detection (trips, ride quality, black box, KPIs, the
            // hot loop's sizing) are read by their own loaders: not unknown keys here.
            var own = System.Text.Json.Nodes.JsonObject.Create(section)
                ?? throw new DetectionConfigException($"{source}: the {DetectionOptions.SectionName} section must be a JSON object");
            foreach (var name in own.Select(p => p.Key).Where(IsSubsection).ToList())
            {
                own.Remove(name);
            }

            options = own.Deserialize<DetectionOptions>(SerializerOptions);
        }
        catch (JsonException e)
        {
            var where = e.Path is null ? "" : $" at {DetectionOptions.SectionName}{e.Path.TrimStart('$').Replace('.', ':')}";
            throw new DetectionConfigException($"{source}: invalid configuration{where} ({e.Message})", e);
        }

        if (options is null)
        {
            throw new DetectionConfigException($"{source}: the {DetectionOptions.SectionName} section is null");
        }

        var failures = DetectionOptionsValidator.Collect(options);
        if (failures.Count > 0)
        {
            throw new DetectionConfigException($"{source}: invalid configuration:{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", failures));
        }

        return options;
    }

    /// <summary>Names of the sub-sections of "Detection" that other options classes own.</summary>
    public static readonly IReadOnlyList<string> Subsections = ["Trips", "RideQuality", "BlackBox", "Kpi", "Counters", "HotLoop"];

    private static bool IsSubsection(string name) => Subsections.Contains(name, StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Reads the sub-section <c>Detection:{name}</c> (e.g. "Trips") of a configuration file into a new
    /// <typeparamref name="T"/>; defaults when the file has no such sub-section. Unknown keys are errors.
    /// </summary>
    public static T LoadSubsection<T>(string path, string name)
        where T : class, new()
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return new T();
            }

            var section = Find(root, DetectionOptions.SectionName) ?? root;
            return Find(section, name) is { } sub ? sub.Deserialize<T>(SerializerOptions) ?? new T() : new T();
        }
        catch (JsonException e)
        {
            throw new DetectionConfigException($"{path}: invalid configuration at {DetectionOptions.SectionName}:{name}{e.Path?.TrimStart('$').Replace('.', ':')} ({e.Message})", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DetectionConfigException($"{path}: cannot read the configuration file ({e.Message})", e);
        }
    }

    private static JsonElement? Find(JsonElement parent, string name)
    {
        if (parent.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        foreach (var property in parent.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return property.Value;
            }
        }

        return null;
    }

    // A service configuration with other sections only (none of its keys is a detection option): defaults apply.
    // A flat file with at least one detection key is read strictly, so a misspelt key is reported.
    private static bool IsOtherConfiguration(JsonElement root)
    {
        var any = false;
        foreach (var property in root.EnumerateObject())
        {
            any = true;
            if (typeof(DetectionOptions).GetProperty(property.Name,
                    System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.IgnoreCase) is not null)
            {
                return false;
            }
        }

        return any;
    }
}
