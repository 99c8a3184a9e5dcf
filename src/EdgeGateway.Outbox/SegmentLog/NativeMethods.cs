using System.Runtime.InteropServices;

namespace EdgeGateway.Outbox.SegmentLog;

/// <summary>
/// Directory fsync: creating, renaming or unlinking a segment is durable only once its directory is fsynced (POSIX fsync(2),
/// "Calling fsync() does not necessarily ensure that the entry in the directory containing the file has also reached disk").
/// .NET cannot open a directory as a file, hence libc.
/// </summary>
internal static partial class NativeMethods
{
    // O_RDONLY (0) alone: O_DIRECTORY's value differs between x86 (0x10000) and ARM (0x4000), and open(2) accepts a
    // directory read-only without it.
    private const int ReadOnly = 0;

    public static void SyncDirectory(string directory)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var fd = Open(directory, ReadOnly);
        if (fd < 0)
        {
            throw new IOException($"Cannot open directory '{directory}' to sync it (errno {Marshal.GetLastPInvokeError()}).");
        }

        try
        {
            if (Fsync(fd) != 0)
            {
                throw new IOException($"fsync of directory '{directory}' failed (errno {Marshal.GetLastPInvokeError()}).");
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
