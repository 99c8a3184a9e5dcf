using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Threading.Channels;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Lift;
using EdgeGateway.Core.Signals;
using EdgeGateway.Core.Storage;
using EdgeGateway.Detection.Kpi;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Detection.BlackBox;

/// <summary>
/// The black box: <see cref="Recorder"/> is the detection stage to add to the engine (it needs the hot loop's
/// <see cref="ISampleHistory"/>); <see cref="RunAsync"/> is the background task that writes each closed capture as an
/// edge-trace/1 file, atomically, into the capture folder, keeps that folder within its file and byte limits (oldest
/// deleted first, logged) and hands each file to the <see cref="IBlackBoxSink"/> for upload.
/// At most <see cref="BlackBoxOptions.MaxPendingCaptures"/> captures are recorded or waiting at once.
/// </summary>
public sealed class BlackBoxService
{
    public const string FilePrefix = "bb-";
    public const string FileSuffix = ".trace.jsonl";

    /// <summary>A queue entry that only wakes the writer (to log dropped captures).</summary>
    private static readonly CaptureJob NoJob = new();

    private readonly BlackBoxOptions _options;
    private readonly LiftProfile _profile;
    private readonly IWallTimeMapper _wallTime;
    private readonly IBlackBoxSink _sink;
    private readonly ILogger _logger;
    private readonly ArrayPool<LiftSample> _pool;
    private readonly ConcurrentQueue<CaptureJob> _free = new();
    // Read by RunAsync and by DrainQueue (e.g. at shutdown, after the hot loop stopped), one at a time under _drainLock.
    private readonly Channel<CaptureJob> _queue = Channel.CreateUnbounded<CaptureJob>(new UnboundedChannelOptions { SingleReader = false });
    private readonly Lock _drainLock = new();
    private readonly int[] _droppedByType = new int[Enum.GetValues<EventType>().Length];
    private int _dropNotices;

    public BlackBoxService(string dataDirectory, BlackBoxOptions options, LiftProfile profile, ISampleHistory history,
        IWallTimeMapper wallTime, IBlackBoxSink sink, ILoggerFactory loggerFactory)
    {
        _options = options;
        _profile = profile;
        _wallTime = wallTime;
        _sink = sink;
        _logger = loggerFactory.CreateLogger<BlackBoxService>();
        Directory = Path.Combine(dataDirectory, options.DirectoryName);
        // Own pool: capture buffers are far larger than the shared pool likes to keep, and there are few of them.
        _pool = ArrayPool<LiftSample>.Create(maxArrayLength: 1 << 24, maxArraysPerBucket: options.MaxPendingCaptures + 1);
        for (var i = 0; i < options.MaxPendingCaptures; i++)
        {
            _free.Enqueue(new CaptureJob());
        }

        Recorder = new BlackBoxRecorder(history, options, this, _pool);
    }

    public BlackBoxRecorder Recorder { get; }

    /// <summary>The folder the capture files go to.</summary>
    public string Directory { get; }

    /// <summary>Captures being recorded or waiting to be written.</summary>
    public int Pending => _options.MaxPendingCaptures - _free.Count;

    public long CapturesWritten { get; private set; }

    public long CapturesFailed { get; private set; }

    /// <summary>Writes captures until cancelled; on cancellation writes what is already queued, then returns.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (await _queue.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                DrainQueue();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            DrainQueue();
        }
    }

    /// <summary>
    /// Writes every capture already queued (what <see cref="RunAsync"/> does each time one arrives). Any thread.
    /// At shutdown: once the hot loop has stopped, <c>Recorder.Flush(engine.State)</c> then <see cref="DrainQueue"/>.
    /// </summary>
    public int DrainQueue()
    {
        lock (_drainLock)
        {
            return DrainQueueLocked();
        }
    }

    private int DrainQueueLocked()
    {
        var written = 0;
        LogDrops();
        while (_queue.Reader.TryRead(out var job))
        {
            if (ReferenceEquals(job, NoJob))
            {
                LogDrops();
                continue;
            }

            try
            {
                if (Write(job) is { } capture)
                {
                    written++;
                    Deliver(capture);
                }
            }
            finally
            {
                job.Release(_pool);
                _free.Enqueue(job);
            }
        }

        return written;
    }

    /// <summary>Capture files in the folder, oldest first (e.g. to queue what a previous run had not uploaded).</summary>
    public IReadOnlyList<FileInfo> ExistingCaptures()
    {
        var folder = new DirectoryInfo(Directory);
        if (!folder.Exists)
        {
            return [];
        }

        var files = folder.GetFiles(FilePrefix + "*" + FileSuffix);
        Array.Sort(files, static (a, b) =>
        {
            var byTime = a.LastWriteTimeUtc.CompareTo(b.LastWriteTimeUtc);
            return byTime != 0 ? byTime : string.CompareOrdinal(a.Name, b.Name);
        });
        return files;
    }

    internal bool TryTakeJob(out CaptureJob job) => _free.TryDequeue(out job!);

    internal void Submit(CaptureJob job) => _queue.Writer.TryWrite(job);

    /// <summary>Hot-loop side of a dropped capture: only counters move; the background task logs it.</summary>
    internal void ReportDropped(EventType type)
    {
        Interlocked.Increment(ref _droppedByType[(int)type]);
        Interlocked.Increment(ref _dropNotices);
        // Wake the writer so the drop is logged promptly even if nothing else is queued (a completed TryWrite is cheap).
        _queue.Writer.TryWrite(NoJob);
    }

    private void LogDrops()
    {
        if (Interlocked.Exchange(ref _dropNotices, 0) == 0)
        {
            return;
        }

        for (var i = 0; i < _droppedByType.Length; i++)
        {
            var n = Interlocked.Exchange(ref _droppedByType[i], 0);
            for (var j = 0; j < n; j++)
            {
                StatisticsLog.CaptureDropped(_logger, EventCatalogue.Get((EventType)i).Name, Pending, _options.MaxPendingCaptures);
            }
        }
    }

    private BlackBoxCapture? Write(CaptureJob job)
    {
        var wallStart = _wallTime.ToWall(job.StartMicros);
        var firstEvent = EventCatalogue.Get(job.Events[0].Type).Name;
        var path = UniquePath(wallStart, job.StartMicros, firstEvent);
        if (job.MissingPreSeconds > 1)
        {
            StatisticsLog.CaptureHistoryShort(_logger, firstEvent, Math.Round(job.MissingPreSeconds, 1));
        }

        long size;
        try
        {
            size = AtomicFile.Write(path, stream => BlackBoxTrace.Write(stream, _profile, AccelHz(job), wallStart, job));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A full or read-only disk: this capture is lost, the service and later captures go on.
            CapturesFailed++;
            StatisticsLog.CaptureFailed(_logger, path, e);
            return null;
        }

        CapturesWritten++;
        var events = job.Events.AsSpan(0, job.EventCount).ToArray();
        StatisticsLog.CaptureWritten(_logger, path, job.SampleCount, size, EventNames(events, job.ExtraEvents));
        EnforceLimits(path);
        return new BlackBoxCapture(path, size, job.SampleCount, job.StartMicros, job.ClosedMicros, wallStart, events);
    }

    private void Deliver(BlackBoxCapture capture)
    {
        try
        {
            _sink.OnCapture(capture);
        }
        catch (Exception e)
        {
            StatisticsLog.CaptureSinkFailed(_logger, capture.FilePath, e);
        }
    }

    private int AccelHz(CaptureJob job)
    {
        if (_options.AccelerometerHz > 0)
        {
            return _options.AccelerometerHz;
        }

        var acc = 0;
        long first = 0, last = 0;
        foreach (ref readonly var s in job.Samples.AsSpan(0, job.SampleCount))
        {
            if ((s.Set & SignalMask.Acc) == 0)
            {
                continue;
            }

            if (acc == 0)
            {
                first = s.TimeMicros;
            }

            last = s.TimeMicros;
            acc++;
        }

        // Samples per second over the span they cover: (n − 1) intervals.
        return acc < 2 || last <= first ? 0 : (int)Math.Round((acc - 1) * 1_000_000.0 / (last - first));
    }

    private string UniquePath(DateTimeOffset? wallStart, long startMicros, string eventName)
    {
        var stamp = wallStart is { } w
            ? w.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)
            : "m" + startMicros.ToString(CultureInfo.InvariantCulture); // not synchronised: monotonic µs
        var path = Path.Combine(Directory, $"{FilePrefix}{stamp}-{eventName}{FileSuffix}");
        for (var i = 2; File.Exists(path); i++)
        {
            path = Path.Combine(Directory, $"{FilePrefix}{stamp}-{eventName}-{i}{FileSuffix}");
        }

        return path;
    }

    private void EnforceLimits(string keep)
    {
        IReadOnlyList<FileInfo> files;
        try
        {
            files = ExistingCaptures();
        }
        catch (IOException)
        {
            return;
        }

        var count = files.Count;
        var total = 0L;
        foreach (var f in files)
        {
            total += f.Length;
        }

        foreach (var oldest in files)
        {
            if (count <= _options.MaxFiles && total <= _options.MaxTotalBytes)
            {
                break;
            }

            if (oldest.FullName == Path.GetFullPath(keep))
            {
                continue;
            }

            try
            {
                var length = oldest.Length;
                oldest.Delete();
                count--;
                total -= length;
                StatisticsLog.CaptureEvicted(_logger, oldest.FullName, _options.MaxFiles, _options.MaxTotalBytes);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                StatisticsLog.CaptureDeleteFailed(_logger, oldest.FullName, e);
            }
        }
    }

    private static string EventNames(LiftEvent[] events, int extra)
    {
        var names = string.Join(",", events.Select(e => EventCatalogue.Get(e.Type).Name + "@" + (e.TimeMicros / 1000).ToString(CultureInfo.InvariantCulture)));
        return extra > 0 ? $"{names} (+{extra} more)" : names;
    }
}
