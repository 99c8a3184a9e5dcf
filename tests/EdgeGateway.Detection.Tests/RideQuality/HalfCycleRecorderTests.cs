using EdgeGateway.Detection.RideQuality;

namespace EdgeGateway.Detection.Tests.RideQuality;

public sealed class HalfCycleRecorderTests
{
    private const long Step = 5_000;

    [Fact]
    public void Peak_to_peak_is_the_sum_of_adjacent_opposite_peaks()
    {
        var recorder = new HalfCycleRecorder();
        // Half-cycles: h0 (open at its start, never counted) +0.05, then -0.1, +0.3, -0.1, +0.1, -0.2, and a running +0.05.
        var t = Emit(recorder, 0, [0.05, -0.1, 0.3, -0.1, 0.1, -0.2, 0.05]);

        var all = recorder.Evaluate(long.MinValue + 1, t);
        // Pairs: (0.1+0.3), (0.3+0.1), (0.1+0.1), (0.1+0.2) → 0.4, 0.4, 0.2, 0.3.
        Assert.Equal(4, all.PairCount);
        Assert.Equal(0.4f, all.Max, 5);
        // Nearest rank: ⌈0.95·4⌉ = 4th of [0.2, 0.3, 0.4, 0.4].
        Assert.Equal(0.4f, all.A95, 5);
    }

    [Fact]
    public void Only_pairs_wholly_inside_the_window_count()
    {
        var recorder = new HalfCycleRecorder();
        var samplesPerHalf = 9L;
        var t = Emit(recorder, 0, [0.05, -0.1, 0.3, -0.1, 0.1, -0.2, 0.05]);
        // h2 starts after h0 and h1: 2 × 9 samples plus the first sample at time 0.
        var h2Start = 2 * samplesPerHalf * Step;
        var fromH2 = recorder.Evaluate(h2Start, t);
        Assert.Equal(3, fromH2.PairCount); // 0.4, 0.2, 0.3
        Assert.Equal(0.4f, fromH2.Max, 5);

        var fromH3 = recorder.Evaluate(h2Start + (samplesPerHalf * Step), t);
        Assert.Equal(2, fromH3.PairCount); // 0.2, 0.3
        Assert.Equal(0.3f, fromH3.Max, 5);
    }

    [Fact]
    public void A95_is_the_nearest_rank_95th_percentile_and_differs_from_the_max()
    {
        var recorder = new HalfCycleRecorder();
        var random = new Random(7);
        var peaks = new double[202];
        for (var i = 0; i < peaks.Length; i++)
        {
            peaks[i] = (i % 2 == 0 ? 1 : -1) * (0.01 + (random.NextDouble() * 0.2));
        }

        var end = Emit(recorder, 0, peaks);
        var stats = recorder.Evaluate(long.MinValue + 1, end);

        // Oracle: pairs of the closed half-cycles h1..h200 (h0 is open at its start, h201 still running).
        var pairs = new List<double>();
        for (var i = 1; i + 1 <= 200; i++)
        {
            pairs.Add(Math.Abs(peaks[i]) + Math.Abs(peaks[i + 1]));
        }

        pairs.Sort();
        Assert.Equal(199, stats.PairCount);
        Assert.Equal(pairs[^1], stats.Max, 4);
        Assert.Equal(pairs[(int)Math.Ceiling(0.95 * 199) - 1], stats.A95, 4);
        Assert.True(stats.A95 < stats.Max);
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(4, 3)]
    [InlineData(20, 18)]
    [InlineData(21, 19)]
    [InlineData(100, 94)]
    [InlineData(199, 189)]
    public void Percentile_index_is_nearest_rank(int count, int index) =>
        Assert.Equal(index, HalfCycleRecorder.Percentile95Index(count));

    [Fact]
    public void Counts_half_cycles_beyond_capacity_as_dropped()
    {
        var recorder = new HalfCycleRecorder(capacity: 4);
        Emit(recorder, 0, [0.1, -0.1, 0.1, -0.1, 0.1, -0.1, 0.1, -0.1]);
        Assert.Equal(4, recorder.Count);
        Assert.Equal(3, recorder.Dropped);
    }

    /// <summary>Each half-cycle as 9 samples of a sine arch (no exact zeros), 5 ms apart.</summary>
    private static long Emit(HalfCycleRecorder recorder, long t, double[] peaks)
    {
        foreach (var peak in peaks)
        {
            for (var j = 1; j <= 9; j++)
            {
                recorder.Add(t, (float)(peak * Math.Sin(Math.PI * j / 10)));
                t += Step;
            }
        }

        return t;
    }
}
