using System.Globalization;
using System.Text.Json;
using EdgeGateway.Core.Lift;

namespace EdgeGateway.Detection.Tracing;

/// <summary>The first line of an edge-trace/1 file.</summary>
/// <param name="Start">Wall-clock time of t = 0, or null when the clock was not synchronised.</param>
public sealed record TraceHeader(string LiftId, int LowestFloor, int HighestFloor, int RatedSpeedMmS, int AccelHz, DateTimeOffset? Start)
{
    public const string FormatName = "edge-trace/1";

    public LiftProfile ToProfile() => new(LiftId, LowestFloor, HighestFloor, RatedSpeedMmS);

    public static TraceHeader From(LiftProfile profile, int accelHz, DateTimeOffset? start) =>
        new(profile.LiftId, profile.LowestFloor, profile.HighestFloor, profile.RatedSpeedMmS, accelHz, start);

    /// <summary>Parses the header line (line 1); unknown fields are ignored.</summary>
    public static TraceHeader Parse(ReadOnlySpan<byte> line)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line.ToArray());
        }
        catch (JsonException e)
        {
            throw new TraceFormatException(1, $"header is not valid JSON ({e.Message})", e);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new TraceFormatException(1, "header must be a JSON object");
            }

            if (!root.TryGetProperty("format", out var format) || format.ValueKind != JsonValueKind.String)
            {
                throw new TraceFormatException(1, "header has no \"format\" (expected \"edge-trace/1\")");
            }

            if (format.GetString() != FormatName)
            {
                throw new TraceFormatException(1, $"unsupported format \"{format.GetString()}\" (expected \"{FormatName}\")");
            }

            var lift = root.TryGetProperty("lift", out var liftElement) && liftElement.ValueKind == JsonValueKind.String
                ? liftElement.GetString()!
                : "";
            if (!root.TryGetProperty("floors", out var floors) || floors.ValueKind != JsonValueKind.Object)
            {
                throw new TraceFormatException(1, "header has no \"floors\" object");
            }

            var lowest = RequiredInt(floors, "lowest", "floors.lowest");
            var highest = RequiredInt(floors, "highest", "floors.highest");
            if (highest < lowest)
            {
                throw new TraceFormatException(1, $"floors.highest ({highest}) is below floors.lowest ({lowest})");
            }

            var rated = RequiredInt(root, "rated_speed_mm_s", "rated_speed_mm_s");
            if (rated <= 0)
            {
                throw new TraceFormatException(1, $"rated_speed_mm_s must be positive (got {rated})");
            }

            var accelHz = 0;
            if (root.TryGetProperty("accel_hz", out var accel) && accel.ValueKind != JsonValueKind.Null)
            {
                if (accel.ValueKind != JsonValueKind.Number || !accel.TryGetInt32(out accelHz) || accelHz < 0)
                {
                    throw new TraceFormatException(1, "accel_hz must be a non-negative integer");
                }
            }

            DateTimeOffset? start = null;
            if (root.TryGetProperty("start", out var startElement) && startElement.ValueKind != JsonValueKind.Null)
            {
                if (startElement.ValueKind != JsonValueKind.String ||
                    !DateTimeOffset.TryParse(startElement.GetString(), CultureInfo.InvariantCulture,
                        DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
                {
                    throw new TraceFormatException(1, "start must be an ISO 8601 UTC time or null");
                }

                start = parsed;
            }

            return new TraceHeader(lift, lowest, highest, rated, accelHz, start);
        }
    }

    private static int RequiredInt(JsonElement parent, string name, string path)
    {
        if (!parent.TryGetProperty(name, out var element))
        {
            throw new TraceFormatException(1, $"header has no \"{path}\"");
        }

        if (element.ValueKind != JsonValueKind.Number || !element.TryGetInt32(out var value))
        {
            throw new TraceFormatException(1, $"header field \"{path}\" must be an integer");
        }

        return value;
    }
}
