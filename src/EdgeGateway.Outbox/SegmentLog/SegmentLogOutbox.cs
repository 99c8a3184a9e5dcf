using System.Buffers;
using System.Diagnostics;
using EdgeGateway.Core.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Win32.SafeHandles;

namespace EdgeGateway.Outbox.SegmentLog;

/// <summary>
/// The outbox as an append-only log of fixed-size segment files with per-record CRC-32C and group-committed fsync,
/// designed for SD/eMMC (sequential appends only, no in-place updates). See docs/outbox.md for the format and rules.
/// Open it with <see cref="OpenAsync"/>; one process at a time (a lock file guards the directory).
/// </summary>
public sealed class SegmentLogOutbox : IOutbox
{
    public const string LockFileName = "outbox.lock";
    public const string QuarantineFolderName = "quarantine";

    /// <summary>
    /// The oldest segment is also compacted when what is pending in it is at most this fraction of a segment and a
    /// sealed segment follows it: copying so little forward is cheap, and it keeps a small segment (every restart starts
    /// one) that holds mostly unacknowledged alarms from pinning every segment after it.
    /// </summary>
    private const int SmallRemainderFraction = 16;

    private const int ErrnoNoSpace = 28; // ENOSPC, Linux asm-generic/errno-base.h
    private const int ErrnoQuotaExceeded = 122; // EDQUOT, Linux asm-generic/errno.h
    private const int IdleSweepMilliseconds = 30_000;
    private const int RetryAfterFailureMilliseconds = 1_000;

    private readonly object _gate = new();
    private readonly OutboxOptions _options;
    private readonly string _directory;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly long[] _timeToLiveTimestamps = new long[3];
    private readonly List<Segment> _segments = [];
    private readonly PendingIndex _index = new();
    private readonly ClassQueue[] _classQueues = [new(), new(), new()];
    private readonly long[] _pendingByClass = new long[3];
    private readonly Dictionary<string, int> _streamIndexes = new(StringComparer.Ordinal);
    private readonly List<string> _streamNames = [];
    private readonly Dictionary<Guid, int> _bootIndexes = [];
    private readonly List<Guid> _bootIds = [];
    private readonly Stack<Waiter> _waiterPool = new();
    private readonly Action<Waiter> _returnWaiter;

    // Filled by callers under _gate, swapped with the writer's copies at the start of each group commit.
    private byte[] _fillBuffer;
    private int _fillLength;
    private List<PendingAppend> _fillAppends = new(256);
    private List<long> _fillAcks = new(256);
    private List<Waiter> _fillAckWaiters = new(16);
    private byte[] _writeBuffer;
    private List<PendingAppend> _writeAppends = new(256);
    private List<long> _writeAcks = new(256);
    private List<Waiter> _writeAckWaiters = new(16);
    private byte[] _prefixBuffer = new byte[4096];
    private readonly List<int> _missingStreams = [];
    private readonly List<int> _missingBoots = [];

    private Segment _active = null!;
    private FileStream? _lockFile;
    private Thread? _writer;
    private TaskCompletionSource? _messagesArrived;
    private TaskCompletionSource? _bufferDrained;
    private bool _stopping;
    private bool _disposed;
    private bool _rollBeforeNextWrite;
    private bool _lastBatchFailed;
    private long _lastId;
    private long _pendingBytes;
    private long _diskBytes;
    private long _evictedTelemetry;
    private long _evictedEvents;
    private long _expired;
    private long _rejected;
    private int _quarantined;
    private long _tornBytes;
    private long _corruptDropped;
    private long _bytesWritten;

    private SegmentLogOutbox(OutboxOptions options, ILogger logger, TimeProvider time)
    {
        _options = options;
        _directory = Path.GetFullPath(options.DataDirectory);
        _logger = logger;
        _time = time;
        _timeToLiveTimestamps[(int)MessageClass.Telemetry] = ToTimestampSpan(options.TelemetryTimeToLive);
        _timeToLiveTimestamps[(int)MessageClass.Event] = ToTimestampSpan(options.EventTimeToLive);
        _timeToLiveTimestamps[(int)MessageClass.Alarm] = ToTimestampSpan(options.AlarmTimeToLive);
        _fillBuffer = new byte[Math.Min(options.MaxBatchBytes, 256 * 1024)];
        _writeBuffer = new byte[_fillBuffer.Length];
        _returnWaiter = ReturnWaiter;
    }

    /// <summary>
    /// Test seam: called on the writer thread with the ids a compaction has copied into memory, before it writes them.
    /// Lets a test remove a message exactly while it is being moved.
    /// </summary>
    internal Action<long[]>? RelocationCopied { get; set; }

    /// <summary>The directory the store lives in (absolute).</summary>
    public string Directory => _directory;

    /// <summary>
    /// Opens (or creates) the store in <see cref="OutboxOptions.DataDirectory"/>: validates the options (every failure at
    /// once), takes the directory's lock, scans every segment (torn tails truncated, damaged files salvaged and
    /// quarantined), rebuilds the index and starts the writer.
    /// </summary>
    public static async Task<SegmentLogOutbox> OpenAsync(OutboxOptions options, ILogger? logger = null, TimeProvider? timeProvider = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var validation = new OutboxOptionsValidator().Validate(null, options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(OutboxOptions.SectionName, typeof(OutboxOptions), validation.Failures);
        }

        var store = new SegmentLogOutbox(options, logger ?? NullLogger.Instance, timeProvider ?? TimeProvider.System);
        try
        {
            await Task.Run(store.Open, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            store.ReleaseFiles();
            throw;
        }

        return store;
    }

    public ValueTask<long> EnqueueAsync(OutboxAppend message, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<long>(cancellationToken);
        }

        ValidateAppend(message);
        var length = RecordFormat.MessageRecordLength(message.Payload.Length);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_stopping, this);
            if (_fillLength > 0 && _fillLength + length > _options.MaxBatchBytes)
            {
                // Back-pressure: the batch being gathered is full; wait for the writer to take it.
                _bufferDrained ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                return EnqueueAfterDrainAsync(message, _bufferDrained.Task, cancellationToken);
            }

            if (!TryAdmit(message.Class, length))
            {
                _rejected++;
                Log.Refused(_logger, _directory, _pendingBytes, _options.MaxBytes, message.Class);
                return ValueTask.FromException<long>(new OutboxFullException(
                    $"The outbox at '{_directory}' is full: {_pendingBytes} of {_options.MaxBytes} bytes (Outbox:MaxBytes) are pending and no " +
                    $"{(message.Class == MessageClass.Telemetry ? "older telemetry" : "telemetry or older event")} is left to evict for this " +
                    $"{message.Class.ToString().ToLowerInvariant()} message; alarms are never evicted."));
            }

            var streamIndex = StreamIndexOf(message.Stream);
            var bootIndex = BootIndexOf(message.BootId);
            var id = ++_lastId;
            EnsureFillCapacity(length);
            RecordFormat.WriteMessage(_fillBuffer.AsSpan(_fillLength, length), id, message.Class, streamIndex, bootIndex,
                message.MonotonicMicros, message.WallUnixMillis, message.WallSynchronized, message.Payload.Span);
            var waiter = RentWaiter();
            var ttl = _timeToLiveTimestamps[(int)message.Class];
            _fillAppends.Add(new PendingAppend(waiter, id, message.Class, (ushort)streamIndex, (ushort)bootIndex, _fillLength, length,
                ttl == long.MaxValue ? long.MaxValue : _time.GetTimestamp() + ttl));
            _fillLength += length;
            _pendingByClass[(int)message.Class]++;
            if (_fillAppends.Count == 1)
            {
                Monitor.Pulse(_gate);
            }

            return new ValueTask<long>(waiter, waiter.Version);
        }
    }

    public ValueTask<IReadOnlyList<OutboxMessage>> ReadAsync(long afterId, int max, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        cancellationToken.ThrowIfCancellationRequested();
        var picked = ArrayPool<PickedMessage>.Shared.Rent(Math.Min(max, 4096));
        var count = 0;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            SweepExpired();
            for (var position = _index.FirstAfter(afterId); position < _index.End && count < max; position++)
            {
                ref var entry = ref _index[position];
                if (entry.Removed)
                {
                    continue;
                }

                if (count == picked.Length)
                {
                    var larger = ArrayPool<PickedMessage>.Shared.Rent(picked.Length * 2);
                    Array.Copy(picked, larger, count);
                    ArrayPool<PickedMessage>.Shared.Return(picked, clearArray: true);
                    picked = larger;
                }

                entry.Segment.AcquireReader();
                picked[count++] = new PickedMessage(entry.Id, entry.Segment, entry.Offset, entry.Length, _streamNames[entry.StreamIndex],
                    _bootIds[entry.BootIndex]);
            }
        }

        var messages = new List<OutboxMessage>(count);
        List<PickedMessage>? corrupt = null;
        var buffer = ArrayPool<byte>.Shared.Rent(4096);
        try
        {
            for (var i = 0; i < count; i++)
            {
                var pick = picked[i];
                if (buffer.Length < pick.Length)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = ArrayPool<byte>.Shared.Rent(pick.Length);
                }

                var record = buffer.AsSpan(0, pick.Length);
                var read = ReadFully(pick.Segment.Handle, record, pick.Offset);
                if (read != pick.Length || RecordFormat.TryValidate(record, out var kind, out _) != pick.Length || kind != RecordKind.Message
                    || RecordFormat.ReadMessageHeader(record).Id != pick.Id)
                {
                    (corrupt ??= []).Add(pick);
                    continue;
                }

                var header = RecordFormat.ReadMessageHeader(record);
                messages.Add(new OutboxMessage(header.Id, header.Class, pick.Stream, header.MonotonicMicros, pick.BootId,
                    header.WallUnixMillis, header.WallSynchronized, RecordFormat.MessagePayload(record).ToArray()));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            lock (_gate)
            {
                for (var i = 0; i < count; i++)
                {
                    if (picked[i].Segment.ReleaseReader())
                    {
                        picked[i].Segment.Handle.Dispose();
                    }
                }

                if (corrupt is not null)
                {
                    foreach (var pick in corrupt)
                    {
                        Log.CorruptOnRead(_logger, pick.Segment.FileName, pick.Id, pick.Offset);
                        var position = _index.Find(pick.Id);
                        if (position >= 0 && !_index[position].Removed)
                        {
                            _corruptDropped++;
                            RemoveEntry(position);
                        }
                    }

                    SignalWriter();
                }
            }

            ArrayPool<PickedMessage>.Shared.Return(picked, clearArray: true);
        }

        return ValueTask.FromResult<IReadOnlyList<OutboxMessage>>(messages);
    }

    public ValueTask RemoveAsync(IReadOnlyCollection<long> ids, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_stopping, this);
            var changed = false;
            if (ids is IReadOnlyList<long> list)
            {
                for (var i = 0; i < list.Count; i++)
                {
                    changed |= TryRemove(list[i]);
                }
            }
            else
            {
                foreach (var id in ids)
                {
                    changed |= TryRemove(id);
                }
            }

            // Nothing new to remove and no removal still on its way to disk: already durable (idempotent).
            if (!changed && _fillAcks.Count == 0 && _writeAcks.Count == 0)
            {
                return ValueTask.CompletedTask;
            }

            var waiter = RentWaiter();
            _fillAckWaiters.Add(waiter);
            SignalWriter();
            return new ValueTask(waiter, waiter.Version);
        }
    }

    public ValueTask WaitForMessagesAsync(long afterId, CancellationToken cancellationToken = default)
    {
        Task arrived;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            for (var position = _index.FirstAfter(afterId); position < _index.End; position++)
            {
                if (!_index[position].Removed)
                {
                    return ValueTask.CompletedTask;
                }
            }

            _messagesArrived ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            arrived = _messagesArrived.Task;
        }

        return new ValueTask(cancellationToken.CanBeCanceled ? arrived.WaitAsync(cancellationToken) : arrived);
    }

    public OutboxStatistics GetStatistics()
    {
        lock (_gate)
        {
            if (!_disposed)
            {
                SweepExpired();
            }

            return new OutboxStatistics(
                _pendingByClass[0] + _pendingByClass[1] + _pendingByClass[2],
                _pendingBytes,
                _pendingByClass[(int)MessageClass.Alarm],
                _pendingByClass[(int)MessageClass.Event],
                _pendingByClass[(int)MessageClass.Telemetry],
                _evictedTelemetry,
                _evictedEvents,
                _expired,
                _lastId)
            {
                DiskBytes = _diskBytes,
                MaxBytes = _options.MaxBytes,
                Segments = _segments.Count,
                RejectedMessages = _rejected,
                QuarantinedFiles = _quarantined,
                TornBytesTruncated = _tornBytes,
                CorruptRecordsDropped = _corruptDropped,
                BytesWritten = _bytesWritten,
            };
        }
    }

    public async ValueTask DisposeAsync()
    {
        Thread? writer;
        lock (_gate)
        {
            if (_stopping)
            {
                return;
            }

            _stopping = true;
            writer = _writer;
            Monitor.PulseAll(_gate);
        }

        if (writer is not null)
        {
            // The writer commits whatever was accepted before it stops.
            await Task.Run(writer.Join).ConfigureAwait(false);
        }

        lock (_gate)
        {
            _disposed = true;
            _messagesArrived?.TrySetException(new ObjectDisposedException(nameof(SegmentLogOutbox)));
            _messagesArrived = null;
            _bufferDrained?.TrySetResult();
        }

        ReleaseFiles();
    }

    // ----------------------------------------------------------------------------------------------------------------
    // Open and recovery

    private void Open()
    {
        var stopwatch = Stopwatch.StartNew();
        System.IO.Directory.CreateDirectory(_directory);
        var lockPath = Path.Combine(_directory, LockFileName);
        try
        {
            // FileShare.None takes an advisory flock on Unix: a second process (or store) on the directory is refused.
            _lockFile = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException exception)
        {
            throw new IOException($"The outbox at '{_directory}' is in use by another process (lock file '{lockPath}').", exception);
        }

        var files = new List<(long Sequence, string Path)>();
        foreach (var path in System.IO.Directory.EnumerateFiles(_directory))
        {
            if (Segment.TryParseSequence(path, out var sequence))
            {
                files.Add((sequence, path));
            }
            else if (!string.Equals(Path.GetFileName(path), LockFileName, StringComparison.Ordinal))
            {
                Log.ForeignFile(_logger, _directory, Path.GetFileName(path));
            }
        }

        files.Sort((a, b) => a.Sequence.CompareTo(b.Sequence));
        var live = new Dictionary<long, IndexEntry>();
        var damaged = new List<(Segment Segment, List<(long First, int Count)> Acks)>();
        long maxId = 0;
        long lastSequence = 0;
        var nowUnixMillis = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var nowTimestamp = _time.GetTimestamp();
        foreach (var (sequence, path) in files)
        {
            lastSequence = Math.Max(lastSequence, sequence);
            var visitor = new OpenVisitor(this, live, nowUnixMillis, nowTimestamp);
            var scan = SegmentScanner.Scan(path, visitor);
            maxId = Math.Max(maxId, Math.Max(visitor.MaxId, scan.HeaderNextId - 1));
            if (scan.ValidRecords == 0)
            {
                Log.EmptySegmentDeleted(_logger, Path.GetFileName(path), scan.FileLength);
                File.Delete(path);
                continue;
            }

            var length = scan.FileLength;
            if (scan.TornTailOffset >= 0)
            {
                Log.TornTailTruncated(_logger, Path.GetFileName(path), scan.TornTailOffset, scan.TornBytes);
                using (var handle = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite))
                {
                    RandomAccess.SetLength(handle, scan.TornTailOffset);
                    RandomAccess.FlushToDisk(handle);
                }

                _tornBytes += scan.TornBytes;
                length = scan.TornTailOffset;
            }

            var readHandle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            // A predecessor killed between write and fsync can leave records only in the page cache. They are indexed
            // (and may be published) from here, so they must be on the disk first: otherwise a power cut could lose
            // them after the platform saw their ids, and a store that cannot start a new segment (full disk) would
            // hand those ids out again. fsync of an already clean file costs nothing.
            RandomAccess.FlushToDisk(readHandle);
            var segment = new Segment(sequence, path, readHandle, length);
            visitor.Bind(segment);
            _segments.Add(segment);
            _diskBytes += length;
            if (scan.IsDamaged)
            {
                foreach (var region in scan.Damaged)
                {
                    Log.DamagedRegion(_logger, segment.FileName, region.Offset, region.Length);
                }

                damaged.Add((segment, visitor.Acks));
            }
        }

        _lastId = maxId;
        try
        {
            CreateActiveSegment(lastSequence + 1);
        }
        catch (IOException exception) when (_segments.Count > 0)
        {
            // A full disk must not keep the service from draining what it holds: open on the newest segment and let the
            // next append try to start a segment again (and fail with OutboxFullException while the disk stays full).
            Log.WriteFailed(_logger, exception, _directory, Segment.FileNameFor(lastSequence + 1), 0);
            _active = _segments[^1];
            _rollBeforeNextWrite = true;
        }

        var entries = new IndexEntry[live.Count];
        live.Values.CopyTo(entries, 0);
        Array.Sort(entries, static (a, b) => a.Id.CompareTo(b.Id));
        foreach (var entry in entries)
        {
            _index.Append(entry);
            _classQueues[(int)entry.Class].Enqueue(entry.Id);
            _pendingByClass[(int)entry.Class]++;
            _pendingBytes += entry.Length;
            entry.Segment.LiveBytes += entry.Length;
            entry.Segment.LiveCount++;
        }

        foreach (var (segment, acks) in damaged)
        {
            var salvaged = segment.LiveCount;
            if (!Relocate(segment, acks))
            {
                // No room to salvage into (full disk): keep reading from the damaged file; the next open quarantines it.
                continue;
            }

            var quarantine = Path.Combine(_directory, QuarantineFolderName);
            System.IO.Directory.CreateDirectory(quarantine);
            var target = Path.Combine(quarantine, $"{segment.FileName}.{_time.GetUtcNow():yyyyMMdd'T'HHmmss'Z'}");
            lock (_gate)
            {
                RetireSegment(segment);
            }

            File.Move(segment.Path, target, overwrite: true);
            AtomicFile.FsyncDirectory(quarantine);
            AtomicFile.FsyncDirectory(_directory);
            _quarantined++;
            Log.Quarantined(_logger, segment.FileName, target, salvaged);
        }

        Maintain();
        _writer = new Thread(WriterLoop) { IsBackground = true, Name = "outbox-writer" };
        _writer.Start();
        Log.Opened(_logger, _directory, _segments.Count, _index.Live, _pendingBytes, _lastId, stopwatch.ElapsedMilliseconds);
    }

    /// <summary>Collects a segment's records at open: messages into the live map, acks out of it, definitions into local maps.</summary>
    private sealed class OpenVisitor : ISegmentRecordVisitor
    {
        private readonly SegmentLogOutbox _store;
        private readonly Dictionary<long, IndexEntry> _live;
        private readonly long _nowUnixMillis;
        private readonly long _nowTimestamp;
        private readonly Dictionary<int, int> _streams = [];
        private readonly Dictionary<int, int> _boots = [];
        private readonly List<long> _mine = [];

        public OpenVisitor(SegmentLogOutbox store, Dictionary<long, IndexEntry> live, long nowUnixMillis, long nowTimestamp)
        {
            _store = store;
            _live = live;
            _nowUnixMillis = nowUnixMillis;
            _nowTimestamp = nowTimestamp;
        }

        public long MaxId { get; private set; }

        public List<(long First, int Count)> Acks { get; } = [];

        public void OnMessage(in MessageHeader header, int offset, int length)
        {
            MaxId = Math.Max(MaxId, header.Id);
            var streamIndex = _streams.TryGetValue(header.StreamIndex, out var s) ? s : _store.StreamIndexOf($"unknown-stream-{header.StreamIndex}");
            var bootIndex = _boots.TryGetValue(header.BootIndex, out var b) ? b : _store.BootIndexOf(Guid.Empty);
            var ttl = _store._timeToLiveTimestamps[(int)header.Class];
            var expires = long.MaxValue;
            if (ttl != long.MaxValue)
            {
                // Age by the wall clock only when both ends are trustworthy; otherwise the clock starts now (keeps data longer).
                var ageMillis = header.WallSynchronized ? Math.Clamp(_nowUnixMillis - header.WallUnixMillis, 0, long.MaxValue / 4) : 0;
                var ageTimestamp = (long)(ageMillis / 1000.0 * _store._time.TimestampFrequency);
                expires = _nowTimestamp + Math.Max(0, ttl - ageTimestamp);
            }

            // A later copy of the same id (compaction moved it) replaces the earlier one.
            _live[header.Id] = new IndexEntry
            {
                Id = header.Id,
                Offset = offset,
                Length = length,
                Class = header.Class > MessageClass.Alarm ? MessageClass.Alarm : header.Class,
                StreamIndex = (ushort)streamIndex,
                BootIndex = (ushort)bootIndex,
                ExpiresAtTimestamp = expires,
            };
            _mine.Add(header.Id);
        }

        public void OnAck(long firstId, int count)
        {
            Acks.Add((firstId, count));
            MaxId = Math.Max(MaxId, firstId + count - 1);
            for (var id = firstId; id < firstId + count; id++)
            {
                _live.Remove(id);
            }
        }

        public void OnDefineStream(int index, string name) => _streams[index] = _store.StreamIndexOf(name);

        public void OnDefineBoot(int index, Guid bootId) => _boots[index] = _store.BootIndexOf(bootId);

        /// <summary>Points the entries this segment contributed (and still holds) at it, now that it is open.</summary>
        public void Bind(Segment segment)
        {
            foreach (var id in _mine)
            {
                if (_live.TryGetValue(id, out var entry) && entry.Segment is null)
                {
                    entry.Segment = segment;
                    _live[id] = entry;
                }
            }
        }
    }

    // ----------------------------------------------------------------------------------------------------------------
    // The writer: one thread, one group commit at a time.

    private void WriterLoop()
    {
        while (true)
        {
            lock (_gate)
            {
                while (!HasWork() && !_stopping)
                {
                    if (!Monitor.Wait(_gate, _lastBatchFailed ? RetryAfterFailureMilliseconds : IdleSweepMilliseconds))
                    {
                        SweepExpired();
                        _lastBatchFailed = false;
                    }
                }

                if (!HasWork())
                {
                    return;
                }

                if (_options.CommitInterval > TimeSpan.Zero && !_stopping)
                {
                    Monitor.Wait(_gate, _options.CommitInterval);
                }

                SweepExpired();
                (_fillBuffer, _writeBuffer) = (_writeBuffer, _fillBuffer);
                (_fillAppends, _writeAppends) = (_writeAppends, _fillAppends);
                (_fillAcks, _writeAcks) = (_writeAcks, _fillAcks);
                (_fillAckWaiters, _writeAckWaiters) = (_writeAckWaiters, _fillAckWaiters);
                _fillLength = 0;
                if (_bufferDrained is { } drained)
                {
                    _bufferDrained = null;
                    drained.TrySetResult();
                }
            }

            try
            {
                CommitBatch();
                Maintain();
            }
            catch (Exception exception)
            {
                // Never let the writer die: every later append would wait forever. Fail what this batch held and go on.
                Log.WriterFault(_logger, exception, _directory);
                var error = new IOException($"The outbox at '{_directory}' failed to commit: {exception.Message}", exception);
                lock (_gate)
                {
                    _lastBatchFailed = true;
                    foreach (var append in _writeAppends)
                    {
                        if (_index.Find(append.Id) < 0)
                        {
                            _pendingBytes -= append.Length;
                            _pendingByClass[(int)append.Class]--;
                            _rejected++;
                        }
                    }
                }

                foreach (var append in _writeAppends)
                {
                    append.Waiter.Fail(error);
                }

                foreach (var waiter in _writeAckWaiters)
                {
                    waiter.Fail(error);
                }

                _writeAppends.Clear();
                _writeAcks.Clear();
                _writeAckWaiters.Clear();
            }
        }
    }

    private bool HasWork() => _fillAppends.Count > 0 || _fillAckWaiters.Count > 0 || (_fillAcks.Count > 0 && !_lastBatchFailed);

    private void CommitBatch()
    {
        var recordsLength = 0;
        foreach (var append in _writeAppends)
        {
            recordsLength = Math.Max(recordsLength, append.BufferOffset + append.Length);
        }

        _writeAcks.Sort();
        long recordsOffset;
        try
        {
            recordsOffset = AppendDurably(_writeBuffer, recordsLength, _writeAcks);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            var error = DescribeWriteFailure(exception);
            Log.WriteFailed(_logger, exception, _directory, _active.FileName, _writeAppends.Count);
            lock (_gate)
            {
                _lastBatchFailed = true;
                foreach (var append in _writeAppends)
                {
                    _pendingBytes -= append.Length;
                    _pendingByClass[(int)append.Class]--;
                    _rejected++;
                }

                // Removals stay removed in memory and are written with a later batch.
                _fillAcks.AddRange(_writeAcks);
            }

            foreach (var append in _writeAppends)
            {
                append.Waiter.Fail(error);
            }

            // A removal has taken effect in memory (the message is never read again); its ack record reaches the disk with
            // the next write that succeeds. Failing the caller would only make it retry what is already done; a crash before
            // then re-delivers the message, which the cloud de-duplicates by id.
            foreach (var waiter in _writeAckWaiters)
            {
                waiter.Complete(0);
            }

            _writeAppends.Clear();
            _writeAcks.Clear();
            _writeAckWaiters.Clear();
            return;
        }

        lock (_gate)
        {
            _lastBatchFailed = false;
            foreach (var append in _writeAppends)
            {
                _index.Append(new IndexEntry
                {
                    Id = append.Id,
                    Segment = _active,
                    Offset = checked((int)(recordsOffset + append.BufferOffset)),
                    Length = append.Length,
                    Class = append.Class,
                    StreamIndex = append.StreamIndex,
                    BootIndex = append.BootIndex,
                    ExpiresAtTimestamp = append.ExpiresAtTimestamp,
                });
                _classQueues[(int)append.Class].Enqueue(append.Id);
                _active.LiveBytes += append.Length;
                _active.LiveCount++;
            }

            if (_writeAppends.Count > 0 && _messagesArrived is { } arrived)
            {
                _messagesArrived = null;
                arrived.TrySetResult();
            }
        }

        foreach (var append in _writeAppends)
        {
            append.Waiter.Complete(append.Id);
        }

        foreach (var waiter in _writeAckWaiters)
        {
            waiter.Complete(0);
        }

        _writeAppends.Clear();
        _writeAcks.Clear();
        _writeAckWaiters.Clear();
    }

    private Exception DescribeWriteFailure(Exception exception) =>
        exception.HResult is ErrnoNoSpace or ErrnoQuotaExceeded
            ? new OutboxFullException($"The outbox at '{_directory}' cannot append: the disk is full ({exception.Message}). " +
                "Messages already accepted are kept; free space or lower Outbox:MaxBytes.", exception)
            : new IOException($"The outbox at '{_directory}' cannot append: writing segment '{_active.FileName}' failed ({exception.Message}).", exception);

    /// <summary>
    /// Writes [stream/boot definitions the segment lacks][records][one ack record] at the end of the active segment (rolling
    /// to a new segment first when they do not fit) and fsyncs. Returns the offset the records start at. On failure the
    /// segment is cut back to its previous length and the next write starts a new segment (after a failed fsync the page
    /// cache can no longer be trusted, so the file is not appended to again).
    /// </summary>
    private long AppendDurably(byte[] records, int recordsLength, List<long> sortedAcks)
    {
        var ackLength = sortedAcks.Count == 0 ? 0 : RecordFormat.AckLength(RecordFormat.CountRanges(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(sortedAcks)));
        if (_rollBeforeNextWrite || (_active.Length > RecordFormat.SegmentHeaderBytes
            && _active.Length + ackLength + recordsLength + DefinitionBytes(records, recordsLength) > _options.SegmentBytes))
        {
            RollActiveSegment();
        }

        var definitionsLength = DefinitionBytes(records, recordsLength);
        var prefixLength = definitionsLength + ackLength;
        if (_prefixBuffer.Length < prefixLength)
        {
            _prefixBuffer = new byte[Math.Max(prefixLength, _prefixBuffer.Length * 2)];
        }

        // Layout of one write: [definitions][records][ack record]. The ack record goes last: an ack removes its ids from
        // everything before it in the log, so a compaction copy written in the same write as the removal of that message
        // must precede the ack, or the copy would come back at the next open.
        var written = 0;
        lock (_gate)
        {
            foreach (var index in _missingStreams)
            {
                written += RecordFormat.WriteDefineStream(_prefixBuffer.AsSpan(written), index, _streamNames[index]);
            }

            foreach (var index in _missingBoots)
            {
                written += RecordFormat.WriteDefineBoot(_prefixBuffer.AsSpan(written), index, _bootIds[index]);
            }
        }

        if (ackLength > 0)
        {
            written += RecordFormat.WriteAck(_prefixBuffer.AsSpan(written), System.Runtime.InteropServices.CollectionsMarshal.AsSpan(sortedAcks));
        }

        Debug.Assert(written == prefixLength, "prefix length mismatch");
        var segment = _active;
        var start = segment.Length;
        var recordsStart = start + definitionsLength;
        try
        {
            if (definitionsLength > 0)
            {
                RandomAccess.Write(segment.Handle, _prefixBuffer.AsSpan(0, definitionsLength), start);
            }

            if (recordsLength > 0)
            {
                RandomAccess.Write(segment.Handle, records.AsSpan(0, recordsLength), recordsStart);
            }

            if (ackLength > 0)
            {
                RandomAccess.Write(segment.Handle, _prefixBuffer.AsSpan(definitionsLength, ackLength), recordsStart + recordsLength);
            }

            RandomAccess.FlushToDisk(segment.Handle);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            _rollBeforeNextWrite = true;
            try
            {
                RandomAccess.SetLength(segment.Handle, start);
            }
            catch (IOException)
            {
                // The scan at the next open cuts whatever is left as a torn tail.
            }

            throw;
        }

        foreach (var index in _missingStreams)
        {
            segment.MarkStreamDefined(index);
        }

        foreach (var index in _missingBoots)
        {
            segment.MarkBootDefined(index);
        }

        lock (_gate)
        {
            segment.Length = start + prefixLength + recordsLength;
            _diskBytes += prefixLength + recordsLength;
            _bytesWritten += prefixLength + recordsLength;
        }

        return recordsStart;
    }

    /// <summary>Finds the stream and boot indexes the records use that the active segment has not defined yet.</summary>
    private int DefinitionBytes(byte[] records, int recordsLength)
    {
        _missingStreams.Clear();
        _missingBoots.Clear();
        var bytes = 0;
        var position = 0;
        lock (_gate)
        {
            while (position < recordsLength)
            {
                var header = RecordFormat.ReadMessageHeader(records.AsSpan(position, RecordFormat.MessageOverheadBytes));
                if (!_active.IsStreamDefined(header.StreamIndex) && !_missingStreams.Contains(header.StreamIndex))
                {
                    _missingStreams.Add(header.StreamIndex);
                    bytes += RecordFormat.DefineStreamLength(_streamNames[header.StreamIndex]);
                }

                if (!_active.IsBootDefined(header.BootIndex) && !_missingBoots.Contains(header.BootIndex))
                {
                    _missingBoots.Add(header.BootIndex);
                    bytes += RecordFormat.DefineBootLength;
                }

                position += RecordFormat.PrefixBytes + System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(records.AsSpan(position + 4));
            }
        }

        return bytes;
    }

    private void RollActiveSegment()
    {
        CreateActiveSegment(_active.Sequence + 1);
        _rollBeforeNextWrite = false;
    }

    /// <summary>Creates a segment whose header records the next id, so the id high-water mark survives even when every older segment is deleted.</summary>
    private void CreateActiveSegment(long sequence)
    {
        var path = Path.Combine(_directory, Segment.FileNameFor(sequence));
        long nextId;
        lock (_gate)
        {
            nextId = _lastId + 1;
        }

        var header = new byte[RecordFormat.SegmentHeaderBytes];
        RecordFormat.WriteSegmentHeader(header, sequence, nextId);
        SafeFileHandle? handle = null;
        try
        {
            handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete);
            RandomAccess.Write(handle, header, 0);
            RandomAccess.FlushToDisk(handle);
            AtomicFile.FsyncDirectory(_directory);
        }
        catch (IOException)
        {
            handle?.Dispose();
            try
            {
                File.Delete(path);
            }
            catch (IOException)
            {
                // Left for the next open, which deletes a segment without a valid record.
            }

            throw;
        }

        var segment = new Segment(sequence, path, handle, header.Length);
        lock (_gate)
        {
            _segments.Add(segment);
            _active = segment;
            _diskBytes += header.Length;
            _bytesWritten += header.Length;
        }
    }

    // ----------------------------------------------------------------------------------------------------------------
    // Maintenance: delete acknowledged segments, compact the oldest.

    /// <summary>
    /// Deletes the oldest segment once nothing in it is pending, and compacts it (moves its pending records to the active
    /// segment) when it is mostly garbage or the store is over its disk budget. Only the oldest segment is ever removed:
    /// a segment's ack records refer to records in it or in older segments, so removing from the front never revives a
    /// removed message.
    /// </summary>
    private void Maintain()
    {
        int budget;
        lock (_gate)
        {
            budget = _segments.Count;
        }

        for (var i = 0; i < budget; i++)
        {
            Segment head;
            bool relocate;
            lock (_gate)
            {
                if (_segments.Count < 2 || _segments[0] == _active)
                {
                    return;
                }

                head = _segments[0];
                if (head.LiveCount == 0)
                {
                    relocate = false;
                }
                else if (head.LiveBytes * 2 <= head.Length
                         || (head.LiveBytes <= _options.SegmentBytes / SmallRemainderFraction && _segments.Count > 2)
                         || _diskBytes > _options.MaxBytes + _options.SegmentBytes)
                {
                    relocate = true;
                }
                else
                {
                    return;
                }
            }

            try
            {
                if (relocate && !Relocate(head, null))
                {
                    return;
                }

                lock (_gate)
                {
                    if (head.LiveCount > 0)
                    {
                        return;
                    }

                    RetireSegment(head);
                }

                File.Delete(head.Path);
                AtomicFile.FsyncDirectory(_directory);
                Log.SegmentDeleted(_logger, head.FileName);
            }
            catch (IOException exception)
            {
                Log.MaintenanceFailed(_logger, exception, head.FileName);
                return;
            }
        }
    }

    /// <summary>
    /// Copies the pending records of <paramref name="segment"/> (with their ids) to the end of the active segment, plus
    /// ack records to carry forward, fsyncs, and points the index at the copies. Returns false when a record could not be read.
    /// </summary>
    private bool Relocate(Segment segment, List<(long First, int Count)>? carriedAcks)
    {
        var moving = new List<(long Id, int Offset, int Length, ushort Stream, ushort Boot)>();
        long totalBytes = 0;
        lock (_gate)
        {
            for (var position = _index.Start; position < _index.End; position++)
            {
                ref var entry = ref _index[position];
                if (!entry.Removed && entry.Segment == segment)
                {
                    moving.Add((entry.Id, entry.Offset, entry.Length, entry.StreamIndex, entry.BootIndex));
                    totalBytes += entry.Length;
                }
            }

            segment.AcquireReader();
        }

        var buffer = new byte[Math.Max(totalBytes, 1)];
        var relocated = new List<(long Id, int BufferOffset, int Length)>(moving.Count);
        var written = 0;
        try
        {
            var record = new byte[64 * 1024];
            foreach (var (id, offset, length, stream, boot) in moving)
            {
                if (record.Length < length)
                {
                    record = new byte[length];
                }

                var span = record.AsSpan(0, length);
                if (ReadFully(segment.Handle, span, offset) != length || RecordFormat.TryValidate(span, out var kind, out _) != length
                    || kind != RecordKind.Message)
                {
                    Log.CorruptOnRead(_logger, segment.FileName, id, offset);
                    lock (_gate)
                    {
                        var position = _index.Find(id);
                        if (position >= 0 && !_index[position].Removed)
                        {
                            _corruptDropped++;
                            RemoveEntry(position);
                        }
                    }

                    continue;
                }

                // Re-encoded rather than copied: stream and boot indexes are per-segment definitions.
                var header = RecordFormat.ReadMessageHeader(span);
                RecordFormat.WriteMessage(buffer.AsSpan(written, length), header.Id, header.Class, stream, boot, header.MonotonicMicros,
                    header.WallUnixMillis, header.WallSynchronized, RecordFormat.MessagePayload(span));
                relocated.Add((id, written, length));
                written += length;
            }
        }
        finally
        {
            lock (_gate)
            {
                if (segment.ReleaseReader())
                {
                    segment.Handle.Dispose();
                }
            }
        }

        RelocationCopied?.Invoke([.. relocated.Select(r => r.Id)]);
        var acks = new List<long>();
        if (carriedAcks is not null)
        {
            foreach (var (first, count) in carriedAcks)
            {
                for (var id = first; id < first + count; id++)
                {
                    acks.Add(id);
                }
            }

            acks.Sort();
        }

        lock (_gate)
        {
            // Removals not yet on disk travel with the copy, so the copy never outlives its removal.
            acks.AddRange(_fillAcks);
            _fillAcks.Clear();
            acks.Sort();
        }

        long start;
        try
        {
            start = AppendDurably(buffer, written, acks);
        }
        catch (IOException exception)
        {
            Log.MaintenanceFailed(_logger, exception, segment.FileName);
            lock (_gate)
            {
                _fillAcks.AddRange(acks);
            }

            return false;
        }

        lock (_gate)
        {
            foreach (var (id, bufferOffset, length) in relocated)
            {
                var position = _index.Find(id);
                if (position < 0 || _index[position].Removed)
                {
                    continue;
                }

                ref var entry = ref _index[position];
                entry.Segment.LiveBytes -= length;
                entry.Segment.LiveCount--;
                entry.Segment = _active;
                entry.Offset = checked((int)(start + bufferOffset));
                _active.LiveBytes += length;
                _active.LiveCount++;
            }
        }

        Log.Compacted(_logger, segment.FileName, relocated.Count, written, _active.FileName);
        return true;
    }

    /// <summary>Takes a segment out of the store (under the lock); its handle closes when its last reader is done.</summary>
    private void RetireSegment(Segment segment)
    {
        _segments.Remove(segment);
        _diskBytes -= segment.Length;
        if (segment.Retire())
        {
            segment.Handle.Dispose();
        }
    }

    // ----------------------------------------------------------------------------------------------------------------
    // Admission, eviction, expiry (all under _gate)

    private bool TryAdmit(MessageClass messageClass, int length)
    {
        if (_pendingBytes + length <= _options.MaxBytes)
        {
            _pendingBytes += length;
            return true;
        }

        SweepExpired();
        while (_pendingBytes + length > _options.MaxBytes)
        {
            // An append may evict its own class or a lower one: telemetry first (oldest first), then events; alarms never.
            if (!EvictOldest(MessageClass.Telemetry) && (messageClass == MessageClass.Telemetry || !EvictOldest(MessageClass.Event)))
            {
                return false;
            }
        }

        _pendingBytes += length;
        return true;
    }

    private bool EvictOldest(MessageClass messageClass)
    {
        var queue = _classQueues[(int)messageClass];
        while (queue.Count > 0)
        {
            var position = _index.Find(queue.Peek());
            queue.Dequeue();
            if (position < 0 || _index[position].Removed)
            {
                continue;
            }

            var id = _index[position].Id;
            var length = _index[position].Length;
            RemoveEntry(position);
            if (messageClass == MessageClass.Telemetry)
            {
                _evictedTelemetry++;
            }
            else
            {
                _evictedEvents++;
            }

            Log.Evicted(_logger, messageClass, id, length);
            return true;
        }

        return false;
    }

    private void SweepExpired()
    {
        var now = _time.GetTimestamp();
        var any = false;
        for (var c = 0; c < 3; c++)
        {
            if (_timeToLiveTimestamps[c] == long.MaxValue)
            {
                continue;
            }

            var queue = _classQueues[c];
            var expired = 0;
            while (queue.Count > 0)
            {
                var position = _index.Find(queue.Peek());
                if (position >= 0 && !_index[position].Removed && _index[position].ExpiresAtTimestamp > now)
                {
                    break;
                }

                // Dequeue before removing: removal may compact this queue.
                queue.Dequeue();
                if (position >= 0 && !_index[position].Removed)
                {
                    RemoveEntry(position);
                    expired++;
                }
            }

            if (expired > 0)
            {
                _expired += expired;
                any = true;
                Log.Expired(_logger, expired, (MessageClass)c, TimeSpan.FromSeconds(_timeToLiveTimestamps[c] / (double)_time.TimestampFrequency));
            }
        }

        if (any)
        {
            SignalWriter();
        }
    }

    private bool TryRemove(long id)
    {
        var position = _index.Find(id);
        if (position < 0 || _index[position].Removed)
        {
            return false;
        }

        RemoveEntry(position);
        return true;
    }

    /// <summary>Marks an entry removed in memory and queues its ack record for the next group commit.</summary>
    private void RemoveEntry(int position)
    {
        ref var entry = ref _index[position];
        var id = entry.Id;
        var messageClass = entry.Class;
        entry.Segment.LiveBytes -= entry.Length;
        entry.Segment.LiveCount--;
        _pendingBytes -= entry.Length;
        _pendingByClass[(int)messageClass]--;
        _index.MarkRemoved(position);
        _fillAcks.Add(id);
        _index.CompactIfSparse();
        _classQueues[(int)messageClass].CompactIfSparse(_index, _pendingByClass[(int)messageClass]);
    }

    private void SignalWriter() => Monitor.Pulse(_gate);

    // ----------------------------------------------------------------------------------------------------------------
    // Helpers

    private void ValidateAppend(in OutboxAppend message)
    {
        if (string.IsNullOrEmpty(message.Stream) || System.Text.Encoding.UTF8.GetByteCount(message.Stream) > RecordFormat.MaxStreamNameBytes)
        {
            throw new ArgumentException($"Outbox stream name must be 1..{RecordFormat.MaxStreamNameBytes} UTF-8 bytes.", nameof(message));
        }

        if (message.Class is < MessageClass.Telemetry or > MessageClass.Alarm)
        {
            throw new ArgumentException($"Unknown message class {(int)message.Class}.", nameof(message));
        }

        if (message.Payload.Length > _options.MaxPayloadBytes)
        {
            throw new ArgumentException(
                $"Outbox payload of {message.Payload.Length} bytes exceeds Outbox:MaxPayloadBytes ({_options.MaxPayloadBytes}).", nameof(message));
        }
    }

    private int StreamIndexOf(string stream)
    {
        lock (_gate)
        {
            if (_streamIndexes.TryGetValue(stream, out var index))
            {
                return index;
            }

            if (_streamNames.Count > ushort.MaxValue)
            {
                throw new ArgumentException($"The outbox holds more than {ushort.MaxValue + 1} distinct stream names.", nameof(stream));
            }

            index = _streamNames.Count;
            _streamNames.Add(stream);
            _streamIndexes.Add(stream, index);
            return index;
        }
    }

    private int BootIndexOf(Guid bootId)
    {
        lock (_gate)
        {
            if (_bootIndexes.TryGetValue(bootId, out var index))
            {
                return index;
            }

            if (_bootIds.Count > ushort.MaxValue)
            {
                throw new ArgumentException($"The outbox holds more than {ushort.MaxValue + 1} distinct boot ids.", nameof(bootId));
            }

            index = _bootIds.Count;
            _bootIds.Add(bootId);
            _bootIndexes.Add(bootId, index);
            return index;
        }
    }

    private void EnsureFillCapacity(int length)
    {
        if (_fillLength + length <= _fillBuffer.Length)
        {
            return;
        }

        var larger = new byte[Math.Max(_fillLength + length, _fillBuffer.Length * 2)];
        _fillBuffer.AsSpan(0, _fillLength).CopyTo(larger);
        _fillBuffer = larger;
    }

    private Waiter RentWaiter()
    {
        lock (_waiterPool)
        {
            if (_waiterPool.TryPop(out var waiter))
            {
                return waiter;
            }
        }

        return new Waiter(_returnWaiter);
    }

    private void ReturnWaiter(Waiter waiter)
    {
        lock (_waiterPool)
        {
            if (_waiterPool.Count < 4096)
            {
                _waiterPool.Push(waiter);
            }
        }
    }

    private async ValueTask<long> EnqueueAfterDrainAsync(OutboxAppend message, Task drained, CancellationToken cancellationToken)
    {
        await drained.WaitAsync(cancellationToken).ConfigureAwait(false);
        return await EnqueueAsync(message, cancellationToken).ConfigureAwait(false);
    }

    private static int ReadFully(SafeFileHandle handle, Span<byte> destination, long offset)
    {
        var total = 0;
        while (total < destination.Length)
        {
            var read = RandomAccess.Read(handle, destination[total..], offset + total);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return total;
    }

    private long ToTimestampSpan(TimeSpan? timeToLive) =>
        timeToLive is { } ttl ? (long)Math.Min(ttl.TotalSeconds * _time.TimestampFrequency, long.MaxValue / 4) : long.MaxValue;

    private void ReleaseFiles()
    {
        lock (_gate)
        {
            foreach (var segment in _segments)
            {
                segment.Handle.Dispose();
            }

            _segments.Clear();
        }

        _lockFile?.Dispose();
        _lockFile = null;
    }

    private readonly record struct PendingAppend(
        Waiter Waiter,
        long Id,
        MessageClass Class,
        ushort StreamIndex,
        ushort BootIndex,
        int BufferOffset,
        int Length,
        long ExpiresAtTimestamp);

    private readonly record struct PickedMessage(long Id, Segment Segment, int Offset, int Length, string Stream, Guid BootId);
}
