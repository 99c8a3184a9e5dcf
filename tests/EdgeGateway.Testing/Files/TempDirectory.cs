namespace EdgeGateway.Testing.Files;

/// <summary>A fresh directory under the system temp folder, deleted afterwards (what cannot be deleted yet is left).</summary>
public sealed class TempDirectory : IDisposable
{
    /// <param name="prefix">Starts the directory's name, so a leftover one says which tests made it.</param>
    /// <param name="root">Where to create it instead of the temp folder (e.g. /dev/shm, to keep disk latency out).</param>
    public TempDirectory(string prefix = "edgegw-test-", string? root = null)
    {
        if (root is null)
        {
            Path = Directory.CreateTempSubdirectory(prefix).FullName;
        }
        else
        {
            Path = System.IO.Path.Combine(root, prefix + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(Path);
        }
    }

    public string Path { get; }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
