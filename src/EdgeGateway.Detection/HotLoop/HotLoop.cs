using System.Collections.Concurrent;
using EdgeGateway.Core.Acquisition;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Lift;
using EdgeGateway.Core.Signals;
using EdgeGateway.Core.Time;
using EdgeGateway.Detection.Pipeline;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeGateway.Detection.HotLoop;

/// <summary>
/// The live runner: acquisition threads write samples into a bounded allocation-free queue (<see cref="ISampleWriter"/>)
/// and report sensor health (<see cref="ISensorHealthReporter"/>); one dedicated thread drains them, records each sample
/// in the black-box ring (<see cref="History"/>), runs the <see cref="DetectionEngine"/>, and advances time from the
/// <see cref="MonotonicClock"/> about every 10 ms and exactly when a hold ends, so an event is emitted within a
/// fraction of a millisecond of the moment its rule is satisfied. Samples must be stamped with the same clock.
/// </summary>
public sealed class HotLoop : ISampleWriter, ISensorHealthReporter, IDisposable
{
    private readonly MonotonicClock _clock;
    private readonly HotLoopOptions _options;
    private readonly ILogger _logger;
    private readonly SampleQueue _queue;
    private readonly ConcurrentQueue<HealthReport> _health = new();
    private readonly ManualResetEventSlim _wake = new(false, spinCount: 0);
    private readonly LatencyHistogram _sampleLatency = new();
    private readonly LatencyHistogram _eventLatency = new();
    private readonly Lock _snapshotLock = new();
    private readonly LiftEvent[] _recent;
    private readonly List<LiftEvent> _active = [];
    private int _recentNext;
    private int _recentCount;
    private LiftState _publishedState;
    private long _publishedSamples;
    private long _dropped;
    private long _events;
    private long _faults;
    private int _started;

    public HotLoop(
        LiftProfile profile,
        DetectionOptions detection,
        IEventSink sink,
        MonotonicClock clock,
        ILogger<HotLoop>? logger = null,
        HotLoopOptions? options = null,
        SampleHistory? history = null)
    {
        _clock = clock;
        _options = options ?? new HotLoopOptions();
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _queue = new SampleQueue(_options.QueueCapacity);
        History = history ?? SampleHistory.ForDuration(_options.HistorySeconds, _options.HistorySamplesPerSecond);
        _recent = new LiftEvent[_options.RecentEventCount];
        Engine = new DetectionEngine(profile, detection, new ObservingSink(this, sink));
    }

    /// <summary>The engine this loop drives (touch it from the loop's thread only, e.g. in tests after the loop stopped).</summary>
    public DetectionEngine Engine { get; }

    /// <summary>The black-box ring of the last <see cref="HotLoopOptions.HistorySeconds"/> of samples.</summary>
    public SampleHistory History { get; }

    public long SamplesDropped => Interlocked.Read(ref _dropped);

    /// <summary>Adds stages (trips, counters, KPIs, black box) in order; before <see cref="RunAsync"/> only.</summary>
    public void AddStages(IEnumerable<IDetectionStage> stages)
    {
        if (Volatile.Read(ref _started) != 0)
        {
            throw new InvalidOperationException("Stages must be added before the hot loop runs.");
        }

        foreach (var stage in stages)
        {
            Engine.AddStage(stage);
        }
    }

    /// <summary>Any thread; never blocks, never allocates. False (and counted) when the queue is full.</summary>
    public bool TryWrite(in LiftSample sample)
    {
        if (!_queue.TryEnqueue(in sample))
        {
            var dropped = Interlocked.Increment(ref _dropped);
            // One warning per power of two: a flood of drops must not become a flood of log lines.
            if ((dropped & (dropped - 1)) == 0)
            {
                Log.Dropping(_logger, dropped);
            }

            Wake();
            return false;
        }

        Wake();
        return true;
    }

    /// <summary>Any thread. Stamped now with the loop's clock; repeated reports of the same state are ignored by detection.</summary>
    public void Report(string sensor, string? problem)
    {
        _health.Enqueue(new HealthReport(_clock.NowMicros, sensor, problem));
        Wake();
    }

    /// <summary>A consistent copy for the console and status reports; any thread.</summary>
    public HotLoopSnapshot Snapshot()
    {
        lock (_snapshotLock)
        {
            var recent = new LiftEvent[_recentCount];
            for (var i = 0; i < _recentCount; i++)
            {
                recent[i] = _recent[(_recentNext - _recentCount + i + _recent.Length) % _recent.Length];
            }

            return new HotLoopSnapshot(_publishedState, _publishedSamples, SamplesDropped, _queue.Count, _events, _faults,
                recent, [.. _active], LatencySummary.Of(_sampleLatency), LatencySummary.Of(_eventLatency));
        }
    }

    /// <summary>Runs the loop on a dedicated thread until cancelled, then drains what was already queued. Once only.</summary>
    public Task RunAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            throw new InvalidOperationException("The hot loop runs once.");
        }

        var completion = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                Loop(cancellationToken);
                completion.SetResult();
            }
            catch (Exception e)
            {
                completion.SetException(e);
            }
        })
        {
            IsBackground = true,
            Name = "edgegw-hotloop",
            Priority = ThreadPriority.AboveNormal,
        };
        thread.Start();
        return completion.Task;
    }

    /// <summary>Releases the wake-up event; call after the task of <see cref="RunAsync"/> has completed.</summary>
    public void Dispose() => _wake.Dispose();

    private void Wake()
    {
        if (!_wake.IsSet)
        {
            _wake.Set();
        }
    }

    private void Loop(CancellationToken cancellationToken)
    {
        Log.Started(_logger, _queue.Capacity, History.Capacity);
        using var registration = cancellationToken.Register(static state => ((ManualResetEventSlim)state!).Set(), _wake);
        var intervalMicros = _options.AdvanceIntervalMilliseconds * 1000L;
        while (!cancellationToken.IsCancellationRequested)
        {
            _wake.Reset();
            Drain();
            var now = _clock.NowMicros;
            Advance(now);
            Publish();
            if (_queue.Count > 0 || !_health.IsEmpty)
            {
                continue;
            }

            // Sleep until the next heartbeat or the next hold end, whichever is first; a write wakes us at once.
            var wakeAt = Math.Min(now + intervalMicros, Engine.NextDeadlineMicros);
            var waitMicros = wakeAt - _clock.NowMicros;
            if (waitMicros >= 1000)
            {
                // Cancellation sets the event through the registration above: passing the token here would register anew on every wait.
                _wake.Wait((int)(waitMicros / 1000), CancellationToken.None);
            }
            else if (waitMicros > 0)
            {
                // Under a millisecond to a hold's end: yield rather than oversleep (timer granularity is ~1 ms).
                Thread.Yield();
            }
        }

        Drain();
        Advance(_clock.NowMicros);
        Publish();
        Log.Stopped(_logger, Engine.SamplesProcessed, SamplesDropped, Interlocked.Read(ref _events));
    }

    private void Drain()
    {
        while (_queue.TryDequeue(out var sample))
        {
            History.Add(in sample);
            try
            {
                Engine.Process(in sample);
            }
            catch (Exception e)
            {
                Interlocked.Increment(ref _faults);
                Log.ProcessFailed(_logger, e, sample.TimeMicros);
            }

            _sampleLatency.Record(_clock.NowMicros - sample.TimeMicros);
        }

        while (_health.TryDequeue(out var report))
        {
            try
            {
                Engine.ReportSensorHealth(report.TimeMicros, report.Sensor, report.Problem);
            }
            catch (Exception e)
            {
                Interlocked.Increment(ref _faults);
                Log.ProcessFailed(_logger, e, report.TimeMicros);
            }
        }
    }

    private void Advance(long now)
    {
        try
        {
            Engine.AdvanceTo(now);
        }
        catch (Exception e)
        {
            Interlocked.Increment(ref _faults);
            Log.ProcessFailed(_logger, e, now);
        }
    }

    private void Publish()
    {
        lock (_snapshotLock)
        {
            _publishedState = Engine.State;
            _publishedSamples = Engine.SamplesProcessed;
        }
    }

    private void OnEventDelivered(in LiftEvent e)
    {
        _eventLatency.Record(_clock.NowMicros - e.TimeMicros);
        lock (_snapshotLock)
        {
            _events++;
            _recent[_recentNext] = e;
            _recentNext = (_recentNext + 1) % _recent.Length;
            _recentCount = Math.Min(_recentCount + 1, _recent.Length);
            if (e.Phase == EventPhase.Raised)
            {
                _active.Add(e);
            }
            else if (e.Phase == EventPhase.Cleared)
            {
                for (var i = 0; i < _active.Count; i++)
                {
                    if (_active[i].Type == e.Type && _active[i].Detail.Sensor == e.Detail.Sensor)
                    {
                        _active.RemoveAt(i);
                        break;
                    }
                }
            }
        }
    }

    private readonly record struct HealthReport(long TimeMicros, string Sensor, string? Problem);

    /// <summary>Hands events to the real sink, then measures latency and keeps the console's lists.</summary>
    private sealed class ObservingSink(HotLoop loop, IEventSink inner) : IEventSink
    {
        public void OnEvent(in LiftEvent liftEvent)
        {
            try
            {
                inner.OnEvent(in liftEvent);
            }
            catch (Exception e)
            {
                Interlocked.Increment(ref loop._faults);
                Log.SinkFailed(loop._logger, e, liftEvent.Definition.Name);
            }

            loop.OnEventDelivered(in liftEvent);
        }
    }
}
