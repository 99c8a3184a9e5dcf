namespace EdgeGateway.Detection.RideQuality;

/// <summary>
/// Splits a zero-mean signal into half-cycles at its zero crossings and keeps each half-cycle's peak, in a buffer
/// allocated once. Peak-to-peak vibration after ISO 18738-1 (domain brief, "Ride quality") is the sum of the
/// magnitudes of two adjacent, opposite peaks; <see cref="Evaluate"/> forms those sums over a time window and
/// reports their maximum and their 95th percentile (A95).
/// </summary>
/// <remarks>
/// Only the window is known at the end of a trip (the constant-speed region needs the trip's top speed), so the
/// half-cycles of the whole trip are kept. At 200 Hz after a 10 Hz low-pass there are at most a few dozen zero
/// crossings per second; the default capacity of 16 384 half-cycles covers many minutes of travel. Half-cycles
/// beyond the capacity are counted in <see cref="Dropped"/> and left out (the statistics then cover the first ones).
/// </remarks>
public sealed class HalfCycleRecorder
{
    private readonly long[] _starts;
    private readonly long[] _ends;
    private readonly float[] _peaks;
    private readonly float[] _scratch;
    private int _count;
    private int _sign;
    private long _currentStart;
    private float _currentPeak;

    public HalfCycleRecorder(int capacity = 16_384)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 2);
        _starts = new long[capacity];
        _ends = new long[capacity];
        _peaks = new float[capacity];
        _scratch = new float[capacity];
    }

    public int Count => _count;

    /// <summary>Completed half-cycles that did not fit the buffer.</summary>
    public int Dropped { get; private set; }

    public void Clear()
    {
        _count = 0;
        _sign = 0;
        _currentPeak = 0;
        _currentStart = 0;
        Dropped = 0;
    }

    /// <summary>One filtered value at <paramref name="timeMicros"/>. Exact zeros belong to the running half-cycle.</summary>
    public void Add(long timeMicros, float value)
    {
        var sign = value > 0 ? 1 : value < 0 ? -1 : 0;
        if (sign == 0)
        {
            return;
        }

        if (_sign == 0)
        {
            // The first half-cycle starts with the first non-zero value, not at a crossing: it is open at its start
            // and marked so by start = long.MinValue, which keeps it out of any window.
            _sign = sign;
            _currentStart = long.MinValue;
            _currentPeak = value;
            return;
        }

        if (sign != _sign)
        {
            Push(_currentStart, timeMicros, _currentPeak);
            _sign = sign;
            _currentStart = timeMicros;
            _currentPeak = value;
            return;
        }

        if (Math.Abs(value) > Math.Abs(_currentPeak))
        {
            _currentPeak = value;
        }
    }

    /// <summary>
    /// Peak-to-peak statistics over the adjacent half-cycle pairs that lie wholly in [<paramref name="fromMicros"/>,
    /// <paramref name="toMicros"/>]. The half-cycle still running (no closing crossing yet) is not complete and is not used.
    /// </summary>
    public PeakToPeakStatistics Evaluate(long fromMicros, long toMicros)
    {
        var n = 0;
        var max = 0f;
        for (var i = 0; i + 1 < _count; i++)
        {
            if (_starts[i] < fromMicros || _ends[i + 1] > toMicros)
            {
                continue;
            }

            // Adjacent half-cycles have opposite signs by construction, so |p_i| + |p_i+1| is the peak-to-peak value.
            var pp = Math.Abs(_peaks[i]) + Math.Abs(_peaks[i + 1]);
            _scratch[n++] = pp;
            if (pp > max)
            {
                max = pp;
            }
        }

        if (n == 0)
        {
            return PeakToPeakStatistics.Empty;
        }

        var values = _scratch.AsSpan(0, n);
        values.Sort();
        return new PeakToPeakStatistics(n, max, values[Percentile95Index(n)]);
    }

    /// <summary>
    /// Nearest-rank 95th percentile: the smallest value that at least 95 % of the values do not exceed
    /// (index ⌈0.95·n⌉ − 1 of the ascending values).
    /// </summary>
    public static int Percentile95Index(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        // Integer form of ⌈0.95·n⌉ = ⌈19n/20⌉, free of floating-point rounding at exact multiples.
        return ((19 * count) + 19) / 20 - 1;
    }

    private void Push(long start, long end, float peak)
    {
        if (_count == _starts.Length)
        {
            Dropped++;
            return;
        }

        _starts[_count] = start;
        _ends[_count] = end;
        _peaks[_count] = peak;
        _count++;
    }
}

/// <param name="PairCount">Number of peak-to-peak values (adjacent half-cycle pairs) in the window.</param>
/// <param name="Max">Largest peak-to-peak value, m/s².</param>
/// <param name="A95">95th percentile of the peak-to-peak values, m/s².</param>
public readonly record struct PeakToPeakStatistics(int PairCount, float Max, float A95)
{
    public static readonly PeakToPeakStatistics Empty;
}
