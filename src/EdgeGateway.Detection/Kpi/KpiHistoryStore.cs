using System.Globalization;
using System.Text.Json;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Storage;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Detection.Kpi;

/// <summary>
/// Persists the KPI history (<c>edge-kpi/1</c>: day buckets, completed and open episodes) as one compact JSON file
/// replaced atomically. A file that cannot be read back is quarantined with an error naming it, and the KPIs start over.
/// </summary>
public sealed class KpiHistoryStore
{
    public const string Format = "edge-kpi/1";
    public const string DefaultFileName = "kpi-history.json";

    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public KpiHistoryStore(string path, TimeProvider time, ILogger<KpiHistoryStore> logger)
    {
        Path = path;
        _time = time;
        _logger = logger;
    }

    public string Path { get; }

    public (KpiHistorySnapshot History, DataFileLoad Load) Load()
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(Path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return (KpiHistorySnapshot.Empty, new DataFileLoad(DataFileStatus.Missing, Path, null, null));
        }

        if (!TryParse(bytes, out var history, out var problem))
        {
            return (KpiHistorySnapshot.Empty, DataFile.Quarantine(Path, problem, _time, _logger));
        }

        StatisticsLog.Loaded(_logger, Path,
            $"{history.Days.Count} days, {history.Downtime.Count} downtime and {history.Rescues.Count} rescue episodes");
        return (history, new DataFileLoad(DataFileStatus.Loaded, Path, null, null));
    }

    public void Save(KpiHistorySnapshot history) => AtomicFile.Write(Path, Serialize(history));

    public static byte[] Serialize(KpiHistorySnapshot history)
    {
        using var buffer = new MemoryStream(4096);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("format", Format);
            json.WriteStartArray("days");
            foreach (var d in history.Days)
            {
                // Compact rows [day, runs, faults]: 180 days stay a few kilobytes.
                json.WriteStartArray();
                json.WriteStringValue(d.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                json.WriteNumberValue(d.Runs);
                json.WriteNumberValue(d.EquipmentFaults);
                json.WriteEndArray();
            }

            json.WriteEndArray();
            json.WriteNumber("undated_runs", history.UndatedRuns);
            json.WriteNumber("undated_faults", history.UndatedFaults);
            json.WriteStartArray("downtime");
            foreach (var e in history.Downtime)
            {
                json.WriteStartObject();
                WriteTime(json, "start", e.Start);
                WriteTime(json, "end", e.End);
                WriteNumber(json, "seconds", e.DurationSeconds);
                json.WriteString("cause", e.Cause);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartArray("rescues");
            foreach (var e in history.Rescues)
            {
                json.WriteStartObject();
                WriteTime(json, "start", e.Start);
                WriteTime(json, "end", e.End);
                WriteNumber(json, "arrival_seconds", e.ArrivalSeconds);
                WriteNumber(json, "release_seconds", e.ReleaseSeconds);
                json.WriteString("arrived_by", ArrivalName(e.ArrivedBy));
                json.WriteEndObject();
            }

            json.WriteEndArray();
            WriteOpen(json, "open_downtime", history.OpenDowntime);
            WriteOpen(json, "open_rescue", history.OpenRescue);
            if (history.LastReportedDay is { } last)
            {
                json.WriteString("last_reported_day", last.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            }
            else
            {
                json.WriteNull("last_reported_day");
            }

            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    public static bool TryParse(ReadOnlySpan<byte> bytes, out KpiHistorySnapshot history, out string problem)
    {
        history = KpiHistorySnapshot.Empty;
        try
        {
            var reader = new Utf8JsonReader(bytes);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("format", out var f) || f.ValueKind != JsonValueKind.String
                || f.GetString() != Format)
            {
                problem = $"\"format\" is not \"{Format}\"";
                return false;
            }

            var days = new List<KpiDay>();
            foreach (var row in Array(root, "days"))
            {
                if (row.ValueKind != JsonValueKind.Array || row.GetArrayLength() != 3
                    || !DateOnly.TryParseExact(row[0].GetString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
                {
                    throw new FormatException($"day row {row.GetRawText()} is not [\"yyyy-MM-dd\", runs, faults]");
                }

                days.Add(new KpiDay(day, NonNegative(row[1], "runs"), NonNegative(row[2], "faults")));
            }

            var downtime = new List<DowntimeEpisode>();
            foreach (var e in Array(root, "downtime"))
            {
                downtime.Add(new DowntimeEpisode(Time(e, "start"), Time(e, "end"), Number(e, "seconds"), String(e, "cause")));
            }

            var rescues = new List<RescueEpisode>();
            foreach (var e in Array(root, "rescues"))
            {
                rescues.Add(new RescueEpisode(Time(e, "start"), Time(e, "end"), Number(e, "arrival_seconds"), Number(e, "release_seconds"),
                    ParseArrival(String(e, "arrived_by"))));
            }

            DateOnly? lastReported = null;
            if (root.TryGetProperty("last_reported_day", out var lr) && lr.ValueKind == JsonValueKind.String)
            {
                lastReported = DateOnly.ParseExact(lr.GetString()!, "yyyy-MM-dd", CultureInfo.InvariantCulture);
            }

            history = new KpiHistorySnapshot(days, NonNegative(Required(root, "undated_runs"), "undated_runs"),
                NonNegative(Required(root, "undated_faults"), "undated_faults"), downtime, rescues,
                ReadOpen(root, "open_downtime"), ReadOpen(root, "open_rescue"), lastReported);
            problem = string.Empty;
            return true;
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or KeyNotFoundException or IndexOutOfRangeException)
        {
            problem = e.Message;
            return false;
        }
    }

    private static JsonElement.ArrayEnumerator Array(JsonElement root, string name)
    {
        var element = Required(root, name);
        if (element.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException($"\"{name}\" is not an array");
        }

        return element.EnumerateArray();
    }

    private static JsonElement Required(JsonElement e, string name) =>
        e.TryGetProperty(name, out var value) ? value : throw new FormatException($"\"{name}\" is missing");

    private static long NonNegative(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out var v) && v >= 0 ? v : throw new FormatException($"\"{name}\" is not a count");

    private static DateTimeOffset? Time(JsonElement e, string name)
    {
        var v = Required(e, name);
        return v.ValueKind == JsonValueKind.Null ? null : v.GetDateTimeOffset();
    }

    private static double? Number(JsonElement e, string name)
    {
        var v = Required(e, name);
        return v.ValueKind == JsonValueKind.Null ? null : v.GetDouble();
    }

    private static string String(JsonElement e, string name) =>
        Required(e, name).GetString() ?? throw new FormatException($"\"{name}\" is null");

    private static OpenEpisode? ReadOpen(JsonElement root, string name)
    {
        var e = Required(root, name);
        if (e.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        var cause = String(e, "cause");
        if (!EventCatalogue.TryGet(cause, out var definition))
        {
            throw new FormatException($"\"{name}.cause\" '{cause}' is not an event type");
        }

        return new OpenEpisode(Time(e, "start"), definition.Type, Time(e, "arrival"), ParseArrival(String(e, "arrived_by")));
    }

    private static void WriteOpen(Utf8JsonWriter json, string name, OpenEpisode? open)
    {
        if (open is null)
        {
            json.WriteNull(name);
            return;
        }

        json.WriteStartObject(name);
        WriteTime(json, "start", open.Start);
        json.WriteString("cause", EventCatalogue.Get(open.Cause).Name);
        WriteTime(json, "arrival", open.Arrival);
        json.WriteString("arrived_by", ArrivalName(open.ArrivedBy));
        json.WriteEndObject();
    }

    private static void WriteTime(Utf8JsonWriter json, string name, DateTimeOffset? value)
    {
        if (value is { } v)
        {
            json.WriteString(name, v.ToUniversalTime());
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static void WriteNumber(Utf8JsonWriter json, string name, double? value)
    {
        if (value is { } v)
        {
            json.WriteNumber(name, Math.Round(v, 3));
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static string ArrivalName(RescueArrival arrival) => arrival switch
    {
        RescueArrival.Inspection => "inspection",
        RescueArrival.TechnicianCheckIn => "check_in",
        _ => "none",
    };

    private static RescueArrival ParseArrival(string name) => name switch
    {
        "inspection" => RescueArrival.Inspection,
        "check_in" => RescueArrival.TechnicianCheckIn,
        "none" => RescueArrival.None,
        _ => throw new FormatException($"\"arrived_by\" '{name}' is not none, inspection or check_in"),
    };
}
