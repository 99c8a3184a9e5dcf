using EdgeGateway.Core.Signals;

namespace EdgeGateway.Detection.HotLoop;

/// <summary>
/// The black-box ring: a preallocated power-of-two array of the most recent samples (every signal and the
/// accelerometer), numbered from 0 in the order the hot loop processed them. Written by the hot loop only, just
/// before each sample goes to the engine. <see cref="Copy"/> is for the hot-loop thread (stages such as the black
/// box recorder); <see cref="CopyWindow"/> may be called from any thread: it drops whatever the writer overwrote
/// while it copied.
/// </summary>
public sealed class SampleHistory
{
    private readonly LiftSample[] _ring;
    private readonly long _mask;
    private long _next;

    public SampleHistory(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 2);
        var size = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)capacity);
        _ring = new LiftSample[size];
        _mask = size - 1;
    }

    /// <summary>A ring that holds at least <paramref name="seconds"/> of samples at <paramref name="samplesPerSecond"/>.</summary>
    public static SampleHistory ForDuration(double seconds, int samplesPerSecond) =>
        new((int)Math.Min(1 << 26, Math.Ceiling(seconds * samplesPerSecond)));

    public int Capacity => _ring.Length;

    /// <summary>The sequence number the next written sample gets (= samples written so far).</summary>
    public long NextSequence => Volatile.Read(ref _next);

    /// <summary>The oldest sequence number still held (= <see cref="NextSequence"/> when empty).</summary>
    public long OldestSequence => Math.Max(0, NextSequence - _ring.Length);

    /// <summary>Hot-loop thread only.</summary>
    public void Add(in LiftSample sample)
    {
        var next = _next;
        _ring[next & _mask] = sample;
        Volatile.Write(ref _next, next + 1);
    }

    /// <summary>
    /// Hot-loop thread: copies held samples from <paramref name="fromSequence"/> (clamped to <see cref="OldestSequence"/>)
    /// onwards; returns how many were copied (fewer when the newest is reached).
    /// </summary>
    public int Copy(long fromSequence, Span<LiftSample> destination)
    {
        var next = _next;
        var from = Math.Max(fromSequence, Math.Max(0, next - _ring.Length));
        var count = (int)Math.Min(destination.Length, Math.Max(0, next - from));
        CopyRange(from, destination[..count]);
        return count;
    }

    /// <summary>
    /// Any thread: copies the held samples with <paramref name="fromMicros"/> ≤ time ≤ <paramref name="toMicros"/>, oldest
    /// first, into <paramref name="destination"/> (at most its length); returns how many.
    /// </summary>
    public int CopyWindow(long fromMicros, long toMicros, Span<LiftSample> destination)
    {
        var next = NextSequence;
        // One slot of margin: the writer may be overwriting the oldest slot right now.
        var oldest = Math.Max(0, next - _ring.Length + 1);
        var first = LowerBound(oldest, next, fromMicros);
        var count = 0;
        for (var i = first; i < next && count < destination.Length; i++)
        {
            ref readonly var sample = ref _ring[i & _mask];
            if (sample.TimeMicros > toMicros)
            {
                break;
            }

            destination[count++] = sample;
        }

        // Whatever the writer lapped while we copied is not trustworthy: drop it from the front.
        var lapped = (int)Math.Clamp(NextSequence - _ring.Length + 1 - first, 0, count);
        if (lapped > 0)
        {
            destination[lapped..count].CopyTo(destination);
            count -= lapped;
        }

        return count;
    }

    private long LowerBound(long low, long high, long timeMicros)
    {
        while (low < high)
        {
            var middle = low + ((high - low) / 2);
            if (_ring[middle & _mask].TimeMicros < timeMicros)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }

    private void CopyRange(long from, Span<LiftSample> destination)
    {
        var start = (int)(from & _mask);
        var firstPart = Math.Min(destination.Length, _ring.Length - start);
        _ring.AsSpan(start, firstPart).CopyTo(destination);
        _ring.AsSpan(0, destination.Length - firstPart).CopyTo(destination[firstPart..]);
    }
}
