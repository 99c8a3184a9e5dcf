namespace EdgeGateway.Detection.HotLoop;

/// <summary>
/// A fixed-size log-linear histogram of latencies in microseconds (exact below 64 µs, then 8 buckets per power of
/// two: ≤ 12.5 % error), so recording never allocates. Recorded on the hot-loop thread; read from others under the
/// loop's snapshot lock (counts are 64-bit and read atomically; a percentile may miss a sample in flight).
/// </summary>
public sealed class LatencyHistogram
{
    private const int LinearBuckets = 64;
    private const int SubBuckets = 8;
    private const int Octaves = 40;
    private readonly long[] _counts = new long[LinearBuckets + (Octaves * SubBuckets)];
    private long _total;
    private long _max;

    public long Count => Volatile.Read(ref _total);

    public long MaxMicros => Volatile.Read(ref _max);

    public void Record(long micros)
    {
        if (micros < 0)
        {
            micros = 0;
        }

        _counts[IndexOf(micros)]++;
        Volatile.Write(ref _total, _total + 1);
        if (micros > _max)
        {
            Volatile.Write(ref _max, micros);
        }
    }

    /// <summary>The upper bound of the bucket holding the <paramref name="percentile"/>-th percentile (0–100), or 0 when empty.</summary>
    public long Percentile(double percentile)
    {
        var total = Count;
        if (total == 0)
        {
            return 0;
        }

        var rank = (long)Math.Ceiling(total * Math.Clamp(percentile, 0, 100) / 100.0);
        rank = Math.Max(rank, 1);
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += Volatile.Read(ref _counts[i]);
            if (seen >= rank)
            {
                return Math.Min(UpperBound(i), MaxMicros);
            }
        }

        return MaxMicros;
    }

    public void Reset()
    {
        Array.Clear(_counts);
        _total = 0;
        _max = 0;
    }

    private static int IndexOf(long micros)
    {
        if (micros < LinearBuckets)
        {
            return (int)micros;
        }

        var octave = 63 - System.Numerics.BitOperations.LeadingZeroCount((ulong)micros); // ≥ 6
        var sub = (int)((micros >> (octave - 3)) & (SubBuckets - 1));
        var index = LinearBuckets + ((octave - 6) * SubBuckets) + sub;
        return Math.Min(index, LinearBuckets + (Octaves * SubBuckets) - 1);
    }

    private static long UpperBound(int index)
    {
        if (index < LinearBuckets)
        {
            return index;
        }

        var octave = ((index - LinearBuckets) / SubBuckets) + 6;
        var sub = (index - LinearBuckets) % SubBuckets;
        return ((8L + sub + 1) << (octave - 3)) - 1;
    }
}
