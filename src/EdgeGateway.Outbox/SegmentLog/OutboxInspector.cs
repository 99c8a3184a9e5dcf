using System.Globalization;

namespace EdgeGateway.Outbox.SegmentLog;

/// <summary>What <c>edgegw outbox verify</c> found in one segment file.</summary>
public sealed record SegmentReport(
    string File,
    long Bytes,
    bool HeaderValid,
    int ValidRecords,
    int Messages,
    int AckedIds,
    long TornTailOffset,
    IReadOnlyList<(long Offset, long Length)> Damaged)
{
    public bool IsDamaged => Damaged.Count > 0;
}

/// <summary>A pending message as the inspector sees it on disk (the payload itself is not loaded).</summary>
public sealed record PendingMessageInfo(
    long Id,
    MessageClass Class,
    string Stream,
    int PayloadBytes,
    long WallUnixMillis,
    bool WallSynchronized,
    string File,
    long Offset);

/// <summary>A read-only look at a store directory.</summary>
public sealed record OutboxInspection(
    string Directory,
    IReadOnlyList<SegmentReport> Segments,
    IReadOnlyList<PendingMessageInfo> Pending,
    long LastId,
    IReadOnlyList<string> QuarantinedFiles)
{
    /// <summary>True when no segment holds damaged bytes (a torn tail is normal after power loss and is not damage).</summary>
    public bool Healthy => Segments.All(s => !s.IsDamaged);

    public long DiskBytes => Segments.Sum(s => s.Bytes);
}

/// <summary>
/// Reads a store directory without changing anything (no lock taken, no truncation, no quarantine), for installers and
/// support: <c>edgegw outbox stats|list|verify --data DIR</c>. It may run beside the service; the newest segment can then
/// show a torn tail that is merely a write in progress.
/// </summary>
public static class OutboxInspector
{
    public static OutboxInspection Inspect(string directory)
    {
        var full = Path.GetFullPath(directory);
        if (!System.IO.Directory.Exists(full))
        {
            throw new DirectoryNotFoundException($"No outbox at '{full}': the directory does not exist (see Outbox:DataDirectory).");
        }

        var files = System.IO.Directory.EnumerateFiles(full)
            .Select(path => (Ok: Segment.TryParseSequence(path, out var sequence), Sequence: sequence, Path: path))
            .Where(f => f.Ok)
            .OrderBy(f => f.Sequence)
            .ToList();
        var pending = new Dictionary<long, PendingMessageInfo>();
        var reports = new List<SegmentReport>();
        long lastId = 0;
        foreach (var (_, _, path) in files)
        {
            var visitor = new Visitor(pending, Path.GetFileName(path));
            var scan = SegmentScanner.Scan(path, visitor);
            lastId = Math.Max(lastId, Math.Max(visitor.MaxId, scan.HeaderNextId - 1));
            reports.Add(new SegmentReport(Path.GetFileName(path), scan.FileLength, scan.HeaderValid, scan.ValidRecords, visitor.Messages,
                visitor.AckedIds, scan.TornTailOffset, scan.Damaged.Select(d => (d.Offset, d.Length)).ToArray()));
        }

        var quarantineFolder = Path.Combine(full, SegmentLogOutbox.QuarantineFolderName);
        var quarantined = System.IO.Directory.Exists(quarantineFolder)
            ? System.IO.Directory.GetFiles(quarantineFolder).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToArray()
            : [];
        return new OutboxInspection(full, reports, pending.Values.OrderBy(p => p.Id).ToArray(), lastId, quarantined);
    }

    /// <summary>Summary lines: pending by class and stream, bytes, segments, last id, quarantined files.</summary>
    public static void WriteStatistics(OutboxInspection inspection, TextWriter output)
    {
        output.WriteLine($"outbox:      {inspection.Directory}");
        output.WriteLine($"segments:    {inspection.Segments.Count} ({inspection.DiskBytes} bytes on disk)");
        output.WriteLine($"pending:     {inspection.Pending.Count} message(s), {inspection.Pending.Sum(p => (long)p.PayloadBytes)} payload bytes");
        foreach (var messageClass in new[] { MessageClass.Alarm, MessageClass.Event, MessageClass.Telemetry })
        {
            output.WriteLine($"  {Name(messageClass),-10} {inspection.Pending.Count(p => p.Class == messageClass)}");
        }

        foreach (var stream in inspection.Pending.GroupBy(p => p.Stream, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"  stream {stream.Key}: {stream.Count()} (ids {stream.First().Id}..{stream.Last().Id})");
        }

        output.WriteLine($"last id:     {inspection.LastId}");
        output.WriteLine($"quarantined: {inspection.QuarantinedFiles.Count}");
    }

    /// <summary>One line per pending message, oldest first.</summary>
    public static void WriteList(OutboxInspection inspection, TextWriter output, int limit, string? stream)
    {
        output.WriteLine("id\tclass\tstream\tbytes\twall time (UTC)\tfile@offset");
        foreach (var message in inspection.Pending.Where(p => stream is null || p.Stream == stream).Take(limit))
        {
            var wall = DateTimeOffset.FromUnixTimeMilliseconds(Math.Clamp(message.WallUnixMillis, 0, 253_402_300_799_999))
                .ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture);
            output.WriteLine($"{message.Id}\t{Name(message.Class)}\t{message.Stream}\t{message.PayloadBytes}\t{wall}{(message.WallSynchronized ? string.Empty : " (unsynchronised)")}\t{message.File}@{message.Offset}");
        }
    }

    /// <summary>Checks every record's CRC; returns the process exit code: 0 healthy (torn tails are reported, not fatal), 1 damaged.</summary>
    public static int WriteVerification(OutboxInspection inspection, TextWriter output)
    {
        foreach (var segment in inspection.Segments)
        {
            var status = segment.IsDamaged ? "DAMAGED" : segment.TornTailOffset >= 0 ? "torn tail" : "ok";
            output.WriteLine($"{segment.File}: {status}, {segment.Bytes} bytes, {segment.ValidRecords} valid record(s), {segment.Messages} message(s), {segment.AckedIds} acknowledged id(s){(segment.HeaderValid ? string.Empty : ", header invalid")}");
            if (segment.TornTailOffset >= 0)
            {
                output.WriteLine($"  torn record at offset {segment.TornTailOffset} ({segment.Bytes - segment.TornTailOffset} bytes): cut when the service next opens the store");
            }

            foreach (var (offset, length) in segment.Damaged)
            {
                output.WriteLine($"  corrupt bytes at offset {offset} ({length} bytes): the file is quarantined and its good records salvaged when the service next opens the store");
            }
        }

        foreach (var file in inspection.QuarantinedFiles)
        {
            output.WriteLine($"quarantined earlier: {file}");
        }

        output.WriteLine(inspection.Healthy ? "verify: ok" : "verify: DAMAGED");
        return inspection.Healthy ? 0 : 1;
    }

    private static string Name(MessageClass messageClass) => messageClass.ToString().ToLowerInvariant();

    private sealed class Visitor : ISegmentRecordVisitor
    {
        private readonly Dictionary<long, PendingMessageInfo> _pending;
        private readonly string _file;
        private readonly Dictionary<int, string> _streams = [];

        public Visitor(Dictionary<long, PendingMessageInfo> pending, string file)
        {
            _pending = pending;
            _file = file;
        }

        public long MaxId { get; private set; }

        public int Messages { get; private set; }

        public int AckedIds { get; private set; }

        public void OnMessage(in MessageHeader header, int offset, int length)
        {
            Messages++;
            MaxId = Math.Max(MaxId, header.Id);
            var stream = _streams.TryGetValue(header.StreamIndex, out var name) ? name : $"unknown-stream-{header.StreamIndex}";
            _pending[header.Id] = new PendingMessageInfo(header.Id, header.Class, stream, header.PayloadLength, header.WallUnixMillis,
                header.WallSynchronized, _file, offset);
        }

        public void OnAck(long firstId, int count)
        {
            AckedIds += count;
            MaxId = Math.Max(MaxId, firstId + count - 1);
            for (var id = firstId; id < firstId + count; id++)
            {
                _pending.Remove(id);
            }
        }

        public void OnDefineStream(int index, string name) => _streams[index] = name;

        public void OnDefineBoot(int index, Guid bootId)
        {
        }
    }
}
