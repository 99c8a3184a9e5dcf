using Microsoft.Win32.SafeHandles;

namespace EdgeGateway.Outbox.SegmentLog;

/// <summary>One segment file: its name carries its sequence number, <c>{sequence:D12}.seg</c>.</summary>
internal sealed class Segment
{
    public const string Extension = ".seg";

    private readonly List<bool> _definedStreams = [];
    private readonly List<bool> _definedBoots = [];
    private int _readers;
    private bool _retired;

    public Segment(long sequence, string path, SafeFileHandle handle, long length)
    {
        Sequence = sequence;
        Path = path;
        Handle = handle;
        Length = length;
    }

    public long Sequence { get; }

    public string Path { get; }

    public string FileName => System.IO.Path.GetFileName(Path);

    public SafeFileHandle Handle { get; }

    /// <summary>Bytes of valid records (the file length once torn tails are cut).</summary>
    public long Length { get; set; }

    /// <summary>Bytes of records in this segment that are still pending (guarded by the store's lock).</summary>
    public long LiveBytes { get; set; }

    public int LiveCount { get; set; }

    public static string FileNameFor(long sequence) => $"{sequence:D12}{Extension}";

    public static bool TryParseSequence(string path, out long sequence)
    {
        var name = System.IO.Path.GetFileName(path);
        sequence = 0;
        return name.Length == 12 + Extension.Length && name.EndsWith(Extension, StringComparison.Ordinal)
            && long.TryParse(name.AsSpan(0, 12), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out sequence);
    }

    /// <summary>Whether this segment already holds the definition of a (store-wide) stream index. Writer thread only.</summary>
    public bool IsStreamDefined(int index) => index < _definedStreams.Count && _definedStreams[index];

    public bool IsBootDefined(int index) => index < _definedBoots.Count && _definedBoots[index];

    public void MarkStreamDefined(int index) => Mark(_definedStreams, index);

    public void MarkBootDefined(int index) => Mark(_definedBoots, index);

    /// <summary>A reader is about to pread from the handle (call under the store's lock).</summary>
    public void AcquireReader() => _readers++;

    /// <summary>Returns whether the handle may now be closed (call under the store's lock).</summary>
    public bool ReleaseReader()
    {
        _readers--;
        return _retired && _readers == 0;
    }

    /// <summary>The segment leaves the store; returns whether the handle may be closed now (call under the store's lock).</summary>
    public bool Retire()
    {
        _retired = true;
        return _readers == 0;
    }

    private static void Mark(List<bool> defined, int index)
    {
        while (defined.Count <= index)
        {
            defined.Add(false);
        }

        defined[index] = true;
    }
}
