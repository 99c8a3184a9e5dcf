using System.Buffers;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Signals;

namespace EdgeGateway.Detection.BlackBox;

/// <summary>
/// One capture on its way from the hot loop to disk: the state at its start, the samples after it in a pooled buffer,
/// and the events it covers. A fixed set of these is allocated up front and recycled (bounding pending captures).
/// </summary>
internal sealed class CaptureJob
{
    public const int MaxEvents = 32;

    public LiftEvent[] Events { get; } = new LiftEvent[MaxEvents];

    public int EventCount { get; set; }

    /// <summary>Events beyond <see cref="MaxEvents"/> (counted, not listed).</summary>
    public int ExtraEvents { get; set; }

    public LiftState StartState { get; set; }

    public long StartMicros { get; set; }

    /// <summary>Planned end (the last event's time + post-event seconds, capped by the maximum length).</summary>
    public long EndMicros { get; set; }

    /// <summary>Time of the last sample or clock tick included.</summary>
    public long ClosedMicros { get; set; }

    public LiftSample[] Samples { get; set; } = [];

    public int SampleCount { get; set; }

    /// <summary>Seconds of pre-event history that were wanted but no longer held (0 when complete).</summary>
    public double MissingPreSeconds { get; set; }

    public void AddEvent(in LiftEvent liftEvent)
    {
        if (EventCount < MaxEvents)
        {
            Events[EventCount++] = liftEvent;
        }
        else
        {
            ExtraEvents++;
        }
    }

    public void Append(in LiftSample sample, ArrayPool<LiftSample> pool)
    {
        if (SampleCount == Samples.Length)
        {
            // Rare: the incident went on longer than the estimate. Double (pooled), so appends stay amortised O(1).
            var larger = pool.Rent(Math.Max(1024, Samples.Length * 2));
            Samples.AsSpan(0, SampleCount).CopyTo(larger);
            Release(pool);
            Samples = larger;
        }

        Samples[SampleCount++] = sample;
    }

    public void Release(ArrayPool<LiftSample> pool)
    {
        if (Samples.Length > 0)
        {
            pool.Return(Samples);
        }

        Samples = [];
    }

    public void Reset()
    {
        EventCount = 0;
        ExtraEvents = 0;
        SampleCount = 0;
        StartState = default;
        StartMicros = 0;
        EndMicros = 0;
        ClosedMicros = 0;
        MissingPreSeconds = 0;
    }
}
