using EdgeGateway.Core.Storage;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Detection.Kpi;

/// <summary>What loading a persisted data file found.</summary>
public enum DataFileStatus : byte
{
    /// <summary>The file was read.</summary>
    Loaded,

    /// <summary>No file yet (first start): starting from zero is correct.</summary>
    Missing,

    /// <summary>The file was corrupt and has been moved aside to <see cref="DataFileLoad.QuarantinePath"/>; starting from zero.</summary>
    Quarantined,
}

/// <param name="Error">What was wrong with the file, naming it (null unless quarantined).</param>
public sealed record DataFileLoad(DataFileStatus Status, string Path, string? QuarantinePath, string? Error);

/// <summary>Moves a corrupt data file aside so the service keeps running from zero and the evidence is kept for a person to read.</summary>
internal static class DataFile
{
    public static DataFileLoad Quarantine(string path, string problem, TimeProvider time, ILogger logger)
    {
        var stamp = time.GetUtcNow().ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        var target = $"{path}.corrupt-{stamp}";
        for (var i = 1; File.Exists(target); i++)
        {
            target = $"{path}.corrupt-{stamp}-{i}";
        }

        try
        {
            File.Move(path, target);
            AtomicFile.FsyncDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
            StatisticsLog.DataFileQuarantined(logger, path, problem, target);
            return new DataFileLoad(DataFileStatus.Quarantined, path, target,
                $"{path} is corrupt ({problem}); moved aside to {target}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            StatisticsLog.DataFileQuarantineFailed(logger, path, problem, e.Message);
            return new DataFileLoad(DataFileStatus.Quarantined, path, null,
                $"{path} is corrupt ({problem}) and could not be moved aside ({e.Message})");
        }
    }
}
