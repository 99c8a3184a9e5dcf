using System.Buffers;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Signals;
using EdgeGateway.Detection.Pipeline;

namespace EdgeGateway.Detection.BlackBox;

/// <summary>
/// The hot-loop half of the black box, a detection stage: every grade 1–2 raised or instant event opens a capture
/// from <see cref="BlackBoxOptions.PreEventSeconds"/> before it (copied once from the hot loop's history into a pooled
/// buffer) to <see cref="BlackBoxOptions.PostEventSeconds"/> after it (appended sample by sample). Events during a
/// capture extend it instead of copying another minute; a capture that follows closely on another starts where that
/// one ended, so no sample is written twice. Closed captures go to <see cref="BlackBoxService"/>'s background task.
/// </summary>
/// <remarks>
/// A capture's first trace line must set every signal (edge-trace/1), so the recorder keeps a keyframe of the full
/// <see cref="LiftState"/> about once a second together with the history sequence number that follows it; a capture
/// starts at a keyframe and replays exactly. Allocation-free per sample in steady state (pooled buffers, recycled jobs).
/// </remarks>
public sealed class BlackBoxRecorder : IDetectionStage
{
    private const int KeyframeCapacity = 256;
    private const long KeyframeIntervalMicros = 1_000_000;
    /// <summary>Extra room on top of the estimated capture size, so most captures never grow their buffer.</summary>
    private const double SizeMargin = 1.25;
    private const int MaxInitialSamples = 1 << 22;

    /// <summary>
    /// Without samples the clock closes a capture only this long after its end: live samples reach the loop through a
    /// queue, so one stamped just before the end may arrive after the loop's clock passed it.
    /// </summary>
    private const long LateSampleGraceMicros = 1_000_000;

    private readonly ISampleHistory _history;
    private readonly BlackBoxService _service;
    private readonly ArrayPool<LiftSample> _pool;
    private readonly long _preMicros;
    private readonly long _postMicros;
    private readonly long _maxMicros;
    private readonly bool _enabled;

    private readonly long[] _keyTime = new long[KeyframeCapacity];
    private readonly long[] _keySequence = new long[KeyframeCapacity];
    private readonly LiftState[] _keyState = new LiftState[KeyframeCapacity];
    private int _keyCount;
    private int _keyNewest = -1;
    private long _nextKeyframeMicros = long.MinValue;

    private bool _calibrated;
    private bool _historyHoldsCurrent;
    private long _lastSequence = -1;
    private long _lastTime = long.MinValue;
    private long _floorSequence;

    private CaptureJob? _active;
    private bool _needsCopy;
    private long _triggerMicros;

    internal BlackBoxRecorder(ISampleHistory history, BlackBoxOptions options, BlackBoxService service, ArrayPool<LiftSample> pool)
    {
        _history = history;
        _service = service;
        _pool = pool;
        _enabled = options.Enabled;
        _preMicros = (long)(options.PreEventSeconds * 1_000_000);
        _postMicros = (long)(options.PostEventSeconds * 1_000_000);
        _maxMicros = (long)(options.MaxCaptureSeconds * 1_000_000);
    }

    /// <summary>True while a capture is being recorded.</summary>
    public bool Recording => _active is not null;

    /// <summary>Incidents that found every capture slot busy.</summary>
    public long DroppedCaptures { get; private set; }

    /// <summary>Grade 1–2 raised or instant events are captured; cleared events and lower grades are not.</summary>
    public static bool IsCaptured(in LiftEvent liftEvent) =>
        liftEvent.Phase != EventPhase.Cleared && EventCatalogue.Get(liftEvent.Type).Grade is EventGrade.Grade1 or EventGrade.Grade2;

    public void OnEvent(in LiftEvent liftEvent)
    {
        if (!_enabled || !IsCaptured(liftEvent))
        {
            return;
        }

        var t = liftEvent.TimeMicros;
        if (_active is { } active)
        {
            if (_needsCopy || t - _preMicros <= active.EndMicros)
            {
                // Same incident (or close enough that the windows overlap): extend, within the maximum length.
                // The maximum length counts from the promised window's start, not from the keyframe before it.
                var start = _needsCopy ? _triggerMicros - _preMicros : Math.Max(active.StartMicros, _triggerMicros - _preMicros);
                active.EndMicros = Math.Min(Math.Max(active.EndMicros, t + _postMicros), start + _maxMicros);
                active.AddEvent(liftEvent);
                return;
            }

            Close(_lastTime, _lastSequence + 1, default, haveState: false);
        }

        if (!_service.TryTakeJob(out var job))
        {
            DroppedCaptures++;
            _service.ReportDropped(liftEvent.Type);
            return;
        }

        job.Reset();
        job.AddEvent(liftEvent);
        job.EndMicros = t + _postMicros;
        _triggerMicros = t;
        _active = job;
        _needsCopy = true;
    }

    public void OnSample(in LiftSample sample, in LiftState state, SignalMask changed)
    {
        if (!_enabled)
        {
            return;
        }

        if (!_calibrated)
        {
            Calibrate(sample);
        }

        var sequence = ++_lastSequence;
        var t = sample.TimeMicros;
        _lastTime = t;
        if (_active is { } active)
        {
            if (_needsCopy)
            {
                // A history written before the engine already holds this sample; one written after does not yet.
                var fromKeyframe = CopyHistory(active, _historyHoldsCurrent ? sequence + 1 : sequence, t, state);
                if (fromKeyframe && !_historyHoldsCurrent)
                {
                    active.Append(sample, _pool);
                }
            }
            else
            {
                active.Append(sample, _pool);
            }

            if (t >= active.EndMicros)
            {
                Close(t, sequence + 1, state, haveState: true);
            }
        }

        if (t >= _nextKeyframeMicros)
        {
            PushKeyframe(t, sequence + 1, state);
            _nextKeyframeMicros = t + KeyframeIntervalMicros;
        }
    }

    public void AdvanceTo(long timeMicros, in LiftState state)
    {
        if (!_enabled || _active is not { } active)
        {
            return;
        }

        if (_needsCopy)
        {
            // An event from a timer, no sample since: everything the history holds has been seen.
            CopyHistory(active, _lastSequence + 1, _lastTime, state);
        }

        if (timeMicros >= active.EndMicros + LateSampleGraceMicros)
        {
            _lastTime = Math.Max(_lastTime, timeMicros);
            Close(timeMicros, _lastSequence + 1, state, haveState: true);
        }
    }

    /// <summary>Closes the capture being recorded now (service stopping), so what it holds is written.</summary>
    public void Flush(in LiftState state)
    {
        if (_active is not null)
        {
            if (_needsCopy)
            {
                CopyHistory(_active, _lastSequence + 1, _lastTime, state);
            }

            Close(_lastTime, _lastSequence + 1, state, haveState: true);
        }
    }

    /// <summary>
    /// Works out whether the history is written before the engine sees a sample (it then already holds the current
    /// one) or after, by comparing the newest held sample with the first one delivered.
    /// </summary>
    private void Calibrate(in LiftSample sample)
    {
        _calibrated = true;
        Span<LiftSample> newest = stackalloc LiftSample[1];
        var next = _history.NextSequence;
        _historyHoldsCurrent = next > _history.OldestSequence && _history.Copy(next - 1, newest) == 1 && newest[0] == sample;
        // _lastSequence is incremented before use: it must be the sequence of the sample before this one.
        _lastSequence = (_historyHoldsCurrent ? next - 1 : next) - 1;
    }

    /// <summary>
    /// Copies the pre-event part from the history: from a keyframe up to (not including) <paramref name="upTo"/>.
    /// Returns false when nothing usable was held and the capture starts from <paramref name="state"/> itself.
    /// </summary>
    private bool CopyHistory(CaptureJob job, long upTo, long currentTime, in LiftState state)
    {
        _needsCopy = false;
        var wanted = _triggerMicros - _preMicros;
        var oldestHeld = Math.Max(_history.OldestSequence, _floorSequence);
        var chosen = -1;
        for (var i = 0; i < _keyCount; i++)
        {
            var k = (_keyNewest - i + KeyframeCapacity) % KeyframeCapacity;
            if (_keySequence[k] > upTo)
            {
                continue;
            }

            if (_keySequence[k] < oldestHeld)
            {
                break;
            }

            chosen = k;
            if (_keyTime[k] <= wanted)
            {
                break;
            }
        }

        upTo = Math.Min(upTo, _history.NextSequence);
        long fromSequence;
        if (chosen < 0)
        {
            // Nothing usable held (just started, or right after the previous capture): start from the current state.
            job.StartState = state;
            job.StartMicros = currentTime;
            fromSequence = upTo;
        }
        else
        {
            job.StartState = _keyState[chosen];
            job.StartMicros = _keyTime[chosen];
            fromSequence = _keySequence[chosen];
        }

        job.MissingPreSeconds = Math.Max(0, (job.StartMicros - wanted) / 1_000_000.0);
        // From the window's start: the keyframe lead-in (up to a second before it) must not cut the post-event part short.
        job.EndMicros = Math.Min(job.EndMicros, Math.Max(job.StartMicros, wanted) + _maxMicros);
        var count = (int)Math.Max(0, upTo - fromSequence);
        var elapsed = Math.Max(1, currentTime - job.StartMicros);
        var estimate = count + (count / (double)elapsed * Math.Max(0, job.EndMicros - currentTime) * SizeMargin) + 1024;
        job.Samples = _pool.Rent((int)Math.Min(MaxInitialSamples, Math.Max(count + 1024, estimate)));
        job.SampleCount = count == 0 ? 0 : _history.Copy(fromSequence, job.Samples.AsSpan(0, count));
        return chosen >= 0;
    }

    private void Close(long timeMicros, long nextSequence, in LiftState state, bool haveState)
    {
        var job = _active!;
        _active = null;
        _needsCopy = false;
        job.ClosedMicros = Math.Max(timeMicros, job.StartMicros);
        _floorSequence = nextSequence;
        if (haveState)
        {
            // The next capture may start exactly here: remember the state at this point.
            PushKeyframe(timeMicros, nextSequence, state);
        }

        _service.Submit(job);
    }

    private void PushKeyframe(long timeMicros, long nextSequence, in LiftState state)
    {
        _keyNewest = (_keyNewest + 1) % KeyframeCapacity;
        _keyTime[_keyNewest] = timeMicros;
        _keySequence[_keyNewest] = nextSequence;
        _keyState[_keyNewest] = state;
        if (_keyCount < KeyframeCapacity)
        {
            _keyCount++;
        }
    }
}
