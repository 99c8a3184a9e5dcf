using System.Buffers.Binary;

namespace EdgeGateway.Outbox.SegmentLog;

/// <summary>Receives the valid records of a segment in file order.</summary>
internal interface ISegmentRecordVisitor
{
    void OnMessage(in MessageHeader header, int offset, int length);

    void OnAck(long firstId, int count);

    void OnDefineStream(int index, string name);

    void OnDefineBoot(int index, Guid bootId);
}

/// <summary>A region of a segment that holds no valid record although valid records follow it: media corruption.</summary>
internal readonly record struct DamagedRegion(long Offset, long Length);

/// <summary>What scanning one segment file found.</summary>
internal sealed class SegmentScanResult
{
    public required string Path { get; init; }

    public required long FileLength { get; init; }

    public bool HeaderValid { get; set; }

    public long HeaderSequence { get; set; }

    public long HeaderNextId { get; set; }

    public int ValidRecords { get; set; }

    /// <summary>Offset of a torn tail (no valid record from there to the end of the file), or -1.</summary>
    public long TornTailOffset { get; set; } = -1;

    public List<DamagedRegion> Damaged { get; } = [];

    /// <summary>Damage followed by valid records (or a bad header): the file is quarantined after its records are salvaged.</summary>
    public bool IsDamaged => Damaged.Count > 0;

    public long TornBytes => TornTailOffset < 0 ? 0 : FileLength - TornTailOffset;
}

/// <summary>
/// Reads a segment file and validates every record by magic, length and CRC-32C. Where a record is invalid it looks for
/// the next valid record: none until the end of the file means a torn tail (power loss mid-write: the caller truncates);
/// a valid record further on means the bytes between are damaged (the caller salvages and quarantines the file).
/// Scanning never modifies the file, so the same code serves <c>edgegw outbox verify</c>.
/// </summary>
internal static class SegmentScanner
{
    public static SegmentScanResult Scan(string path, ISegmentRecordVisitor visitor)
    {
        var bytes = File.ReadAllBytes(path);
        return Scan(path, bytes, visitor);
    }

    public static SegmentScanResult Scan(string path, ReadOnlySpan<byte> bytes, ISegmentRecordVisitor visitor)
    {
        var result = new SegmentScanResult { Path = path, FileLength = bytes.Length };
        var position = 0;
        var headerLength = RecordFormat.TryValidate(bytes, out var headerKind, out _);
        if (headerLength > 0 && headerKind == RecordKind.SegmentHeader)
        {
            var (version, sequence, nextId) = RecordFormat.ReadSegmentHeader(bytes[..headerLength]);
            if (version == RecordFormat.FormatVersion)
            {
                result.HeaderValid = true;
                result.HeaderSequence = sequence;
                result.HeaderNextId = nextId;
                position = headerLength;
                result.ValidRecords++;
            }
        }

        if (!result.HeaderValid)
        {
            var next = FindNextValid(bytes, 0);
            if (next < 0)
            {
                result.TornTailOffset = 0;
                return result;
            }

            result.Damaged.Add(new DamagedRegion(0, next));
            position = next;
        }

        while (position < bytes.Length)
        {
            var length = RecordFormat.TryValidate(bytes[position..], out var kind, out _);
            if (length == 0 || kind == RecordKind.SegmentHeader)
            {
                var next = FindNextValid(bytes, position + 1);
                if (next < 0)
                {
                    result.TornTailOffset = position;
                    break;
                }

                result.Damaged.Add(new DamagedRegion(position, next - position));
                position = next;
                continue;
            }

            var record = bytes.Slice(position, length);
            Dispatch(visitor, kind, record, position);
            result.ValidRecords++;
            position += length;
        }

        return result;
    }

    private static void Dispatch(ISegmentRecordVisitor visitor, RecordKind kind, ReadOnlySpan<byte> record, int offset)
    {
        switch (kind)
        {
            case RecordKind.Message:
                visitor.OnMessage(RecordFormat.ReadMessageHeader(record), offset, record.Length);
                break;
            case RecordKind.Ack:
                var body = record[RecordFormat.PrefixBytes..];
                for (var i = 0; i + RecordFormat.AckRangeBytes <= body.Length; i += RecordFormat.AckRangeBytes)
                {
                    var first = BinaryPrimitives.ReadInt64LittleEndian(body[i..]);
                    var count = BinaryPrimitives.ReadInt32LittleEndian(body[(i + 8)..]);
                    if (count > 0)
                    {
                        visitor.OnAck(first, count);
                    }
                }

                break;
            case RecordKind.DefineStream:
                var (streamIndex, name) = RecordFormat.ReadDefineStream(record);
                visitor.OnDefineStream(streamIndex, name);
                break;
            case RecordKind.DefineBoot:
                var (bootIndex, bootId) = RecordFormat.ReadDefineBoot(record);
                visitor.OnDefineBoot(bootIndex, bootId);
                break;
        }
    }

    /// <summary>The offset of the next valid non-header record at or after <paramref name="start"/>, or -1.</summary>
    private static int FindNextValid(ReadOnlySpan<byte> bytes, int start)
    {
        // The magic's bytes in file order (little-endian 0xB0E6).
        ReadOnlySpan<byte> magic = [0xE6, 0xB0];
        var position = start;
        while (position <= bytes.Length - RecordFormat.PrefixBytes)
        {
            var found = bytes[position..].IndexOf(magic);
            if (found < 0)
            {
                return -1;
            }

            position += found;
            if (RecordFormat.TryValidate(bytes[position..], out var kind, out _) > 0 && kind != RecordKind.SegmentHeader)
            {
                return position;
            }

            position++;
        }

        return -1;
    }
}
