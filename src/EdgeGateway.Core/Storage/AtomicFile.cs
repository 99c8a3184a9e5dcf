using System.Runtime.InteropServices;

namespace EdgeGateway.Core.Storage;

/// <summary>
/// Replaces a file so that after a power cut it holds either the old or the new content, never a torn mix
/// (field failure: stores corrupted on power loss). Write a temporary file next to it, fsync it, rename it over the
/// target (rename(2) is atomic within a file system), then fsync the directory so the rename itself is durable.
/// The one place the box's stores (outbox segments, counters, KPIs, black-box captures, the remote configuration layer)
/// get their directory fsync from.
/// </summary>
public static class AtomicFile
{
    /// <summary>Suffix of the temporary file; a leftover one (crash before the rename) is simply overwritten next time.</summary>
    public const string TempSuffix = ".tmp";

    public static void Write(string path, ReadOnlySpan<byte> content)
    {
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(directory);
        var temp = full + TempSuffix;
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 4096))
        {
            stream.Write(content);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, full, overwrite: true);
        FsyncDirectory(directory);
    }

    /// <summary>Same protocol for content produced by a writer (large files such as black-box captures); returns the size in bytes.</summary>
    public static long Write(string path, Action<Stream> write)
    {
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(directory);
        var temp = full + TempSuffix;
        long size;
        try
        {
            using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
                size = stream.Length;
            }

            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            // A full disk or a writer fault must not leave a half-written temporary file taking space.
            TryDelete(temp);
            throw;
        }

        FsyncDirectory(directory);
        return size;
    }

    /// <summary>
    /// Makes creating, renaming or unlinking a file in <paramref name="directory"/> durable. POSIX fsync(2): "Calling
    /// fsync() does not necessarily ensure that the entry in the directory containing the file has also reached disk".
    /// .NET cannot open a directory as a file handle, hence open(2)/fsync(2) from libc (O_RDONLY alone: O_DIRECTORY's
    /// value differs between x86 and ARM, and open(2) accepts a directory read-only without it); elsewhere than Linux
    /// this is a no-op.
    /// </summary>
    public static void FsyncDirectory(string directory)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var fd = NativeMethods.Open(directory, 0 /* O_RDONLY */);
        if (fd < 0)
        {
            throw new IOException($"Cannot open directory '{directory}' to sync it (errno {Marshal.GetLastPInvokeError()}).");
        }

        try
        {
            if (NativeMethods.Fsync(fd) != 0)
            {
                throw new IOException($"fsync of directory '{directory}' failed (errno {Marshal.GetLastPInvokeError()}).");
            }
        }
        finally
        {
            _ = NativeMethods.Close(fd);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static class NativeMethods
    {
        [DllImport("libc", EntryPoint = "open", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

        [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int Fsync(int fd);

        [DllImport("libc", EntryPoint = "close", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int Close(int fd);
    }
}
