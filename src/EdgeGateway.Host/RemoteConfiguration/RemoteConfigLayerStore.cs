using System.Text;
using System.Text.Json;
using EdgeGateway.Core.Storage;

namespace EdgeGateway.Host.RemoteConfiguration;

/// <summary>
/// The remote configuration layer on disk: <c>{data}/config/remote.json</c>, the JSON object of sections the platform
/// last set with set_config and the box accepted. Written atomically (temporary file, fsync, rename, directory fsync),
/// so after a power cut it holds the old layer or the new one, never a mix. A file that cannot be read back is moved
/// aside with the reason, and the box runs on its site configuration.
/// </summary>
public sealed class RemoteConfigLayerStore
{
    public const string DirectoryName = "config";
    public const string FileName = "remote.json";

    public RemoteConfigLayerStore(string dataDirectory)
    {
        Path = System.IO.Path.GetFullPath(System.IO.Path.Combine(dataDirectory, DirectoryName, FileName));
    }

    public string Path { get; }

    /// <summary>
    /// The stored layer, or null when there is none. A file that is not a JSON object is quarantined: then
    /// <paramref name="problem"/> says what was wrong, <paramref name="quarantinedTo"/> where it went, and the result is null.
    /// </summary>
    public string? Load(out string? problem, out string? quarantinedTo)
    {
        problem = null;
        quarantinedTo = null;
        string text;
        try
        {
            if (!File.Exists(Path))
            {
                return null;
            }

            text = File.ReadAllText(Path, Encoding.UTF8);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            problem = $"cannot be read: {ex.Message}";
            return null;
        }

        if (ParseProblem(text) is { } parse)
        {
            problem = parse;
            quarantinedTo = Quarantine(parse);
            return null;
        }

        return text;
    }

    /// <summary>Replaces the stored layer atomically; throws <see cref="IOException"/> (e.g. disk full) leaving the old one intact.</summary>
    public void Save(string layerJson) => AtomicFile.Write(Path, Encoding.UTF8.GetBytes(layerJson));

    /// <summary>Moves the stored layer aside (evidence for a person to read); returns where it went, or null when it could not.</summary>
    public string? Quarantine(string reason)
    {
        var stamp = DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        var target = $"{Path}.rejected-{stamp}";
        for (var i = 1; File.Exists(target); i++)
        {
            target = $"{Path}.rejected-{stamp}-{i}";
        }

        try
        {
            File.Move(Path, target);
            File.WriteAllText(target + ".reason.txt", reason + Environment.NewLine);
            AtomicFile.FsyncDirectory(System.IO.Path.GetDirectoryName(Path)!);
            return target;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Why <paramref name="json"/> is not a layer (a JSON object), or null when it is one.</summary>
    public static string? ParseProblem(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            return document.RootElement.ValueKind == JsonValueKind.Object
                ? null
                : $"is a JSON {document.RootElement.ValueKind.ToString().ToLowerInvariant()}, not an object of sections";
        }
        catch (JsonException ex)
        {
            return $"is not valid JSON ({ex.Message})";
        }
    }
}
