using System.Text.Json;
using EdgeGateway.Core.Storage;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Detection.Kpi;

/// <summary>
/// Persists <see cref="CounterValues"/> in one small JSON file (<c>edge-counters/1</c>) replaced atomically, so the
/// counters survive restarts, kill -9 and power cuts. A file that cannot be read back is moved aside (quarantined)
/// with an error naming it, and counting restarts from zero: the service must keep running.
/// </summary>
public sealed class CounterStore
{
    public const string Format = "edge-counters/1";
    public const string DefaultFileName = "counters.json";

    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public CounterStore(string path, TimeProvider time, ILogger<CounterStore> logger)
    {
        Path = path;
        _time = time;
        _logger = logger;
    }

    public string Path { get; }

    public (CounterValues Values, DataFileLoad Load) Load()
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(Path);
        }
        catch (FileNotFoundException)
        {
            return (default, new DataFileLoad(DataFileStatus.Missing, Path, null, null));
        }
        catch (DirectoryNotFoundException)
        {
            return (default, new DataFileLoad(DataFileStatus.Missing, Path, null, null));
        }

        if (!TryParse(bytes, out var values, out var problem))
        {
            return (default, DataFile.Quarantine(Path, problem, _time, _logger));
        }

        StatisticsLog.Loaded(_logger, Path, values.ToString());
        return (values, new DataFileLoad(DataFileStatus.Loaded, Path, null, null));
    }

    public void Save(in CounterValues values) => AtomicFile.Write(Path, Serialize(values, _time.GetUtcNow()));

    public static byte[] Serialize(in CounterValues values, DateTimeOffset savedAt)
    {
        using var buffer = new MemoryStream(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("format", Format);
            json.WriteNumber("runs", values.Runs);
            json.WriteNumber("door_cycles", values.DoorCycles);
            json.WriteNumber("running_micros", values.RunningMicros);
            json.WriteNumber("distance_mm", values.DistanceMm);
            // For a person reading the file; never used to compute anything (the clock may not have been synchronised).
            json.WriteString("saved_at", savedAt);
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    public static bool TryParse(ReadOnlySpan<byte> bytes, out CounterValues values, out string problem)
    {
        values = default;
        try
        {
            var reader = new Utf8JsonReader(bytes);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                problem = "not a JSON object";
                return false;
            }

            if (!root.TryGetProperty("format", out var format) || format.ValueKind != JsonValueKind.String || format.GetString() != Format)
            {
                problem = $"\"format\" is not \"{Format}\"";
                return false;
            }

            if (!TryCount(root, "runs", out var runs, out problem)
                || !TryCount(root, "door_cycles", out var doors, out problem)
                || !TryCount(root, "running_micros", out var running, out problem)
                || !TryCount(root, "distance_mm", out var distance, out problem))
            {
                return false;
            }

            values = new CounterValues(runs, doors, running, distance);
            problem = string.Empty;
            return true;
        }
        catch (JsonException e)
        {
            problem = $"invalid JSON: {e.Message}";
            return false;
        }
    }

    private static bool TryCount(JsonElement root, string name, out long value, out string problem)
    {
        value = 0;
        if (!root.TryGetProperty(name, out var element) || element.ValueKind != JsonValueKind.Number || !element.TryGetInt64(out value))
        {
            problem = $"\"{name}\" is missing or not an integer";
            return false;
        }

        if (value < 0)
        {
            problem = $"\"{name}\" is negative ({value})";
            return false;
        }

        problem = string.Empty;
        return true;
    }
}
