using EdgeGateway.Core.Time;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.Core.Tests.Time;

public class MonotonicClockTests
{
    [Fact]
    public void Counts_microseconds_from_its_creation()
    {
        var time = new FakeTimeProvider();
        var clock = new MonotonicClock(time);
        Assert.Equal(0, clock.NowMicros);

        time.Advance(TimeSpan.FromMilliseconds(1500));
        Assert.Equal(1_500_000, clock.NowMicros);
    }

    [Fact]
    public void Ignores_wall_clock_steps()
    {
        // FakeTimeProvider derives timestamps from its wall time, so a box whose wall clock steps needs its own provider.
        var time = new SteppingWallClock();
        var clock = new MonotonicClock(time);
        time.Ticks += TimeSpan.FromSeconds(1).Ticks;

        // NTP syncs: the wall clock jumps 56 years; monotonic time does not.
        time.Wall = new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);

        Assert.Equal(1_000_000, clock.NowMicros);
    }

    private sealed class SteppingWallClock : TimeProvider
    {
        public long Ticks { get; set; }

        public DateTimeOffset Wall { get; set; } = DateTimeOffset.UnixEpoch;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Ticks;

        public override DateTimeOffset GetUtcNow() => Wall;
    }
}
