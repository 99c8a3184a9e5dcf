using System.Text.Json;
using EdgeGateway.Acquisition.Sensors.Accelerometers;

namespace EdgeGateway.Acquisition.Sensors.Calibration;

public enum CalibrationLoadStatus
{
    Missing,
    Loaded,
    Unusable,
}

/// <param name="Problem">Why an existing file is unusable (names the file and what is wrong).</param>
public sealed record CalibrationLoadResult(CalibrationLoadStatus Status, AccelerometerCalibration? Calibration, string? Problem);

/// <summary>
/// The accelerometer calibration as one small JSON file in the data directory. Saving is atomic: the new content is
/// written to a temporary file in the same directory, flushed to the device, then renamed over the old file, so a
/// power cut leaves either the old or the new calibration, never half of one.
/// </summary>
public sealed class CalibrationStore
{
    public const string FileName = "accelerometer-calibration.json";
    private const int FormatVersion = 1;

    public CalibrationStore(string dataDirectory)
    {
        DataDirectory = dataDirectory;
        FilePath = Path.Combine(dataDirectory, FileName);
    }

    public string DataDirectory { get; }

    public string FilePath { get; }

    public void Save(AccelerometerCalibration calibration)
    {
        Directory.CreateDirectory(DataDirectory);
        var temporary = FilePath + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
            {
                json.WriteStartObject();
                json.WriteNumber("version", FormatVersion);
                json.WriteString("chip", calibration.Chip);
                json.WriteString("calibrated_utc", calibration.CalibratedUtc);
                json.WriteString("vertical_axis", calibration.VerticalAxis);
                json.WriteNumber("tilt_deg", Math.Round(calibration.TiltDegrees, 3));
                json.WriteNumber("samples", calibration.Samples);
                json.WriteStartArray("mean_gravity");
                json.WriteNumberValue(calibration.MeanGravity.X);
                json.WriteNumberValue(calibration.MeanGravity.Y);
                json.WriteNumberValue(calibration.MeanGravity.Z);
                json.WriteEndArray();
                json.WriteStartArray("rotation");
                foreach (var element in calibration.Rotation.ToArray())
                {
                    json.WriteNumberValue(element);
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, FilePath, overwrite: true);
    }

    public CalibrationLoadResult Load()
    {
        if (!File.Exists(FilePath))
        {
            return new CalibrationLoadResult(CalibrationLoadStatus.Missing, null, null);
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(FilePath));
            var root = document.RootElement;
            var version = root.GetProperty("version").GetInt32();
            if (version != FormatVersion)
            {
                return Unusable($"format version {version} is not {FormatVersion}");
            }

            var rotationElement = root.GetProperty("rotation");
            if (rotationElement.GetArrayLength() != 9)
            {
                return Unusable("\"rotation\" must have 9 numbers");
            }

            Span<float> m = stackalloc float[9];
            var i = 0;
            foreach (var element in rotationElement.EnumerateArray())
            {
                m[i++] = element.GetSingle();
            }

            var rotation = Rotation3.FromArray(m);
            if (!rotation.IsProperRotation())
            {
                return Unusable("\"rotation\" is not a rotation matrix (not orthonormal or mirrored)");
            }

            var g = root.GetProperty("mean_gravity");
            if (g.GetArrayLength() != 3)
            {
                return Unusable("\"mean_gravity\" must have 3 numbers");
            }

            var mean = new AccelerationVector(g[0].GetSingle(), g[1].GetSingle(), g[2].GetSingle());
            var calibration = new AccelerometerCalibration(
                rotation,
                mean,
                root.GetProperty("vertical_axis").GetString() ?? "?",
                root.GetProperty("tilt_deg").GetDouble(),
                root.GetProperty("samples").GetInt32(),
                root.GetProperty("chip").GetString() ?? "?",
                root.GetProperty("calibrated_utc").GetDateTimeOffset());
            return new CalibrationLoadResult(CalibrationLoadStatus.Loaded, calibration, null);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or IOException or UnauthorizedAccessException)
        {
            return Unusable(ex.Message);
        }
    }

    private CalibrationLoadResult Unusable(string reason) =>
        new(CalibrationLoadStatus.Unusable, null, $"{FilePath}: {reason}");
}
