using System.Diagnostics;
using EdgeGateway.Outbox.SegmentLog;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Outbox.Sqlite;

/// <summary>
/// The outbox in SQLite (WAL journal, synchronous=FULL: a commit is durable when it returns). A second implementation
/// of <see cref="IOutbox"/> that runs the same contract suite and serves as the comparison for write amplification
/// (docs/outbox.md); the service uses <see cref="SegmentLogOutbox"/>. Group commit: one writer thread runs every append
/// and removal gathered since its last commit in one transaction. Cap, eviction and time-to-live follow the same rules,
/// with a message's size counted as its payload plus the segment log's 40-byte record header.
/// </summary>
public sealed class SqliteOutbox : IOutbox
{
    public const string DatabaseFileName = "outbox.db";

    private readonly object _gate = new();
    private readonly OutboxOptions _options;
    private readonly string _directory;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly long[] _timeToLive = new long[3];
    private readonly SortedDictionary<long, Row> _pending = [];
    private readonly SortedSet<long>[] _byClass = [[], [], []];
    private readonly long[] _pendingByClass = new long[3];
    private readonly object _readLock = new();
    private List<Append> _appends = [];
    private List<long> _removals = [];
    private List<TaskCompletionSource> _removalWaiters = [];
    private SqliteConnection _writeConnection = null!;
    private SqliteConnection _readConnection = null!;
    private Thread? _writer;
    private TaskCompletionSource? _messagesArrived;
    private bool _stopping;
    private bool _disposed;
    private long _lastId;
    private long _pendingBytes;
    private long _evictedTelemetry;
    private long _evictedEvents;
    private long _expired;
    private long _rejected;

    private SqliteOutbox(OutboxOptions options, ILogger logger, TimeProvider time)
    {
        _options = options;
        _directory = Path.GetFullPath(options.DataDirectory);
        _logger = logger;
        _time = time;
        _timeToLive[0] = ToTimestampSpan(options.TelemetryTimeToLive);
        _timeToLive[1] = ToTimestampSpan(options.EventTimeToLive);
        _timeToLive[2] = ToTimestampSpan(options.AlarmTimeToLive);
    }

    public string DatabasePath => Path.Combine(_directory, DatabaseFileName);

    public static async Task<SqliteOutbox> OpenAsync(OutboxOptions options, ILogger? logger = null, TimeProvider? timeProvider = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var validation = new OutboxOptionsValidator().Validate(null, options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(OutboxOptions.SectionName, typeof(OutboxOptions), validation.Failures);
        }

        var store = new SqliteOutbox(options, logger ?? NullLogger.Instance, timeProvider ?? TimeProvider.System);
        try
        {
            await Task.Run(store.Open, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            store._writeConnection?.Dispose();
            store._readConnection?.Dispose();
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
            throw new ArgumentException($"Outbox payload of {message.Payload.Length} bytes exceeds Outbox:MaxPayloadBytes ({_options.MaxPayloadBytes}).", nameof(message));
        }

        var length = RecordFormat.MessageRecordLength(message.Payload.Length);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_stopping, this);
            if (!TryAdmit(message.Class, length))
            {
                _rejected++;
                Log.Refused(_logger, _directory, _pendingBytes, _options.MaxBytes, message.Class);
                return ValueTask.FromException<long>(new OutboxFullException(
                    $"The outbox at '{_directory}' is full: {_pendingBytes} of {_options.MaxBytes} bytes (Outbox:MaxBytes) are pending and nothing " +
                    $"evictable is left for this {message.Class.ToString().ToLowerInvariant()} message; alarms are never evicted."));
            }

            var ttl = _timeToLive[(int)message.Class];
            var append = new Append(++_lastId, message with { Payload = message.Payload.ToArray() }, length,
                ttl == long.MaxValue ? long.MaxValue : _time.GetTimestamp() + ttl,
                new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously));
            _appends.Add(append);
            _pendingByClass[(int)message.Class]++;
            Monitor.Pulse(_gate);
            return new ValueTask<long>(append.Completion.Task);
        }
    }

    public ValueTask<IReadOnlyList<OutboxMessage>> ReadAsync(long afterId, int max, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        var ids = new List<long>();
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            SweepExpired();
            foreach (var id in _pending.Keys)
            {
                if (id > afterId)
                {
                    ids.Add(id);
                    if (ids.Count == max)
                    {
                        break;
                    }
                }
            }
        }

        var messages = new List<OutboxMessage>(ids.Count);
        if (ids.Count == 0)
        {
            return ValueTask.FromResult<IReadOnlyList<OutboxMessage>>(messages);
        }

        var wanted = ids.ToHashSet();
        lock (_readLock)
        {
            using var command = _readConnection.CreateCommand();
            command.CommandText = "SELECT id, class, stream, mono, boot, wall, synced, payload FROM messages WHERE id >= $first AND id <= $last ORDER BY id";
            command.Parameters.AddWithValue("$first", ids[0]);
            command.Parameters.AddWithValue("$last", ids[^1]);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var id = reader.GetInt64(0);
                if (wanted.Contains(id))
                {
                    messages.Add(new OutboxMessage(id, (MessageClass)reader.GetInt32(1), reader.GetString(2), reader.GetInt64(3),
                        new Guid((byte[])reader.GetValue(4)), reader.GetInt64(5), reader.GetInt64(6) != 0, (byte[])reader.GetValue(7)));
                }
            }
        }

        lock (_gate)
        {
            // Removed while it was being read: not pending any more.
            messages.RemoveAll(m => !_pending.ContainsKey(m.Id));
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
            foreach (var id in ids)
            {
                changed |= RemovePending(id);
            }

            if (!changed && _removals.Count == 0)
            {
                return ValueTask.CompletedTask;
            }

            var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _removalWaiters.Add(waiter);
            Monitor.Pulse(_gate);
            return new ValueTask(waiter.Task);
        }
    }

    public ValueTask WaitForMessagesAsync(long afterId, CancellationToken cancellationToken = default)
    {
        Task arrived;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_pending.Count > 0 && _pending.Keys.Max() > afterId)
            {
                return ValueTask.CompletedTask;
            }

            _messagesArrived ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            arrived = _messagesArrived.Task;
        }

        return new ValueTask(arrived.WaitAsync(cancellationToken));
    }

    public OutboxStatistics GetStatistics()
    {
        lock (_gate)
        {
            if (!_disposed)
            {
                SweepExpired();
            }

            long disk = 0;
            foreach (var suffix in new[] { string.Empty, "-wal" })
            {
                var file = new FileInfo(DatabasePath + suffix);
                disk += file.Exists ? file.Length : 0;
            }

            return new OutboxStatistics(_pendingByClass.Sum(), _pendingBytes, _pendingByClass[2], _pendingByClass[1], _pendingByClass[0],
                _evictedTelemetry, _evictedEvents, _expired, _lastId)
            {
                DiskBytes = disk,
                MaxBytes = _options.MaxBytes,
                Segments = 1,
                RejectedMessages = _rejected,
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
            await Task.Run(writer.Join).ConfigureAwait(false);
        }

        lock (_gate)
        {
            _disposed = true;
            _messagesArrived?.TrySetException(new ObjectDisposedException(nameof(SqliteOutbox)));
        }

        _writeConnection.Dispose();
        lock (_readLock)
        {
            _readConnection.Dispose();
        }

        SqliteConnection.ClearAllPools();
    }

    private void Open()
    {
        var stopwatch = Stopwatch.StartNew();
        Directory.CreateDirectory(_directory);
        var connectionString = new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false }.ToString();
        _writeConnection = new SqliteConnection(connectionString);
        _writeConnection.Open();
        Execute(_writeConnection, """
            PRAGMA journal_mode=WAL;
            PRAGMA synchronous=FULL;
            CREATE TABLE IF NOT EXISTS messages(id INTEGER PRIMARY KEY, class INTEGER NOT NULL, stream TEXT NOT NULL, mono INTEGER NOT NULL,
                boot BLOB NOT NULL, wall INTEGER NOT NULL, synced INTEGER NOT NULL, payload BLOB NOT NULL);
            CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL);
            """);
        _readConnection = new SqliteConnection(connectionString);
        _readConnection.Open();

        var nowUnixMillis = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var now = _time.GetTimestamp();
        using (var command = _writeConnection.CreateCommand())
        {
            command.CommandText = "SELECT value FROM meta WHERE key = 'last_id'";
            _lastId = command.ExecuteScalar() is long last ? last : 0;
            command.CommandText = "SELECT id, class, length(payload), wall, synced FROM messages ORDER BY id";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var id = reader.GetInt64(0);
                var messageClass = (MessageClass)reader.GetInt32(1);
                var length = RecordFormat.MessageRecordLength(reader.GetInt32(2));
                var ttl = _timeToLive[(int)messageClass];
                var expires = long.MaxValue;
                if (ttl != long.MaxValue)
                {
                    var ageMillis = reader.GetInt64(4) != 0 ? Math.Clamp(nowUnixMillis - reader.GetInt64(3), 0, long.MaxValue / 4) : 0;
                    expires = now + Math.Max(0, ttl - (long)(ageMillis / 1000.0 * _time.TimestampFrequency));
                }

                _pending.Add(id, new Row(messageClass, length, expires));
                _byClass[(int)messageClass].Add(id);
                _pendingByClass[(int)messageClass]++;
                _pendingBytes += length;
                _lastId = Math.Max(_lastId, id);
            }
        }

        _writer = new Thread(WriterLoop) { IsBackground = true, Name = "outbox-sqlite-writer" };
        _writer.Start();
        Log.Opened(_logger, _directory, 1, _pending.Count, _pendingBytes, _lastId, stopwatch.ElapsedMilliseconds);
    }

    private void WriterLoop()
    {
        while (true)
        {
            List<Append> appends;
            List<long> removals;
            List<TaskCompletionSource> removalWaiters;
            long lastId;
            lock (_gate)
            {
                while (_appends.Count == 0 && _removalWaiters.Count == 0 && _removals.Count == 0 && !_stopping)
                {
                    if (!Monitor.Wait(_gate, 30_000))
                    {
                        SweepExpired();
                    }
                }

                if (_appends.Count == 0 && _removalWaiters.Count == 0 && _removals.Count == 0)
                {
                    return;
                }

                (appends, _appends) = (_appends, []);
                (removals, _removals) = (_removals, []);
                (removalWaiters, _removalWaiters) = (_removalWaiters, []);
                lastId = _lastId;
            }

            Exception? failure = null;
            try
            {
                Commit(appends, removals, lastId);
            }
            catch (Exception exception)
            {
                // Never let the writer die (every later append would wait forever): refuse this batch and go on.
                failure = exception is SqliteException { SqliteErrorCode: 13 } /* SQLITE_FULL */
                    ? new OutboxFullException($"The outbox at '{_directory}' cannot append: the disk is full ({exception.Message}).", exception)
                    : new IOException($"The outbox at '{_directory}' cannot append: {exception.Message}", exception);
                Log.WriteFailed(_logger, exception, _directory, DatabaseFileName, appends.Count);
            }

            lock (_gate)
            {
                foreach (var append in appends)
                {
                    if (failure is null)
                    {
                        _pending.Add(append.Id, new Row(append.Message.Class, append.Length, append.ExpiresAt));
                        _byClass[(int)append.Message.Class].Add(append.Id);
                    }
                    else
                    {
                        _pendingBytes -= append.Length;
                        _pendingByClass[(int)append.Message.Class]--;
                        _rejected++;
                    }
                }

                if (failure is not null)
                {
                    _removals.AddRange(removals);
                }
                else if (appends.Count > 0 && _messagesArrived is { } arrived)
                {
                    _messagesArrived = null;
                    arrived.TrySetResult();
                }
            }

            foreach (var append in appends)
            {
                if (failure is null)
                {
                    append.Completion.TrySetResult(append.Id);
                }
                else
                {
                    append.Completion.TrySetException(failure);
                }
            }

            foreach (var waiter in removalWaiters)
            {
                waiter.TrySetResult();
            }
        }
    }

    private void Commit(List<Append> appends, List<long> removals, long lastId)
    {
        using var transaction = _writeConnection.BeginTransaction();
        if (appends.Count > 0)
        {
            using var insert = _writeConnection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO messages(id, class, stream, mono, boot, wall, synced, payload) VALUES($id, $class, $stream, $mono, $boot, $wall, $synced, $payload)";
            var id = insert.Parameters.Add("$id", SqliteType.Integer);
            var messageClass = insert.Parameters.Add("$class", SqliteType.Integer);
            var stream = insert.Parameters.Add("$stream", SqliteType.Text);
            var mono = insert.Parameters.Add("$mono", SqliteType.Integer);
            var boot = insert.Parameters.Add("$boot", SqliteType.Blob);
            var wall = insert.Parameters.Add("$wall", SqliteType.Integer);
            var synced = insert.Parameters.Add("$synced", SqliteType.Integer);
            var payload = insert.Parameters.Add("$payload", SqliteType.Blob);
            foreach (var append in appends)
            {
                var message = append.Message;
                id.Value = append.Id;
                messageClass.Value = (int)message.Class;
                stream.Value = message.Stream;
                mono.Value = message.MonotonicMicros;
                boot.Value = message.BootId.ToByteArray();
                wall.Value = message.WallUnixMillis;
                synced.Value = message.WallSynchronized ? 1 : 0;
                payload.Value = message.Payload.ToArray();
                insert.ExecuteNonQuery();
            }
        }

        if (removals.Count > 0)
        {
            using var delete = _writeConnection.CreateCommand();
            delete.Transaction = transaction;
            delete.CommandText = "DELETE FROM messages WHERE id = $id";
            var id = delete.Parameters.Add("$id", SqliteType.Integer);
            foreach (var removed in removals)
            {
                id.Value = removed;
                delete.ExecuteNonQuery();
            }
        }

        // The high-water mark survives even when every row is deleted: ids are never reused.
        using (var meta = _writeConnection.CreateCommand())
        {
            meta.Transaction = transaction;
            meta.CommandText = "INSERT INTO meta(key, value) VALUES('last_id', $last) ON CONFLICT(key) DO UPDATE SET value = excluded.value";
            meta.Parameters.AddWithValue("$last", lastId);
            meta.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    private bool TryAdmit(MessageClass messageClass, int length)
    {
        if (_pendingBytes + length > _options.MaxBytes)
        {
            SweepExpired();
        }

        while (_pendingBytes + length > _options.MaxBytes)
        {
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
        var ids = _byClass[(int)messageClass];
        if (ids.Count == 0)
        {
            return false;
        }

        var id = ids.Min;
        var length = _pending[id].Length;
        RemovePending(id);
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

    private void SweepExpired()
    {
        var now = _time.GetTimestamp();
        for (var c = 0; c < 3; c++)
        {
            if (_timeToLive[c] == long.MaxValue)
            {
                continue;
            }

            var expired = _byClass[c].Where(id => _pending[id].ExpiresAt <= now).ToArray();
            foreach (var id in expired)
            {
                RemovePending(id);
            }

            if (expired.Length > 0)
            {
                _expired += expired.Length;
                Log.Expired(_logger, expired.Length, (MessageClass)c, TimeSpan.FromSeconds(_timeToLive[c] / (double)_time.TimestampFrequency));
                Monitor.Pulse(_gate);
            }
        }
    }

    private bool RemovePending(long id)
    {
        if (!_pending.Remove(id, out var row))
        {
            return false;
        }

        _byClass[(int)row.Class].Remove(id);
        _pendingByClass[(int)row.Class]--;
        _pendingBytes -= row.Length;
        _removals.Add(id);
        return true;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private long ToTimestampSpan(TimeSpan? timeToLive) =>
        timeToLive is { } ttl ? (long)Math.Min(ttl.TotalSeconds * _time.TimestampFrequency, long.MaxValue / 4) : long.MaxValue;

    private readonly record struct Row(MessageClass Class, int Length, long ExpiresAt);

    private sealed record Append(long Id, OutboxAppend Message, int Length, long ExpiresAt, TaskCompletionSource<long> Completion);
}
