namespace EdgeGateway.Core.Time;

/// <summary>
/// Microseconds since an arbitrary origin that never jumps: boxes often have no RTC, and the wall clock
/// can step by decades when NTP first syncs. All detection timing uses this; wall time is derived.
/// </summary>
public sealed class MonotonicClock
{
    private readonly TimeProvider _time;
    private readonly long _origin;

    public MonotonicClock(TimeProvider time)
    {
        _time = time;
        _origin = time.GetTimestamp();
    }

    public static MonotonicClock System { get; } = new(TimeProvider.System);

    public TimeProvider TimeProvider => _time;

    public long NowMicros => ToMicros(_time.GetTimestamp() - _origin);

    private long ToMicros(long ticks)
    {
        var frequency = _time.TimestampFrequency;
        return frequency == 1_000_000 ? ticks : (long)(ticks * (1_000_000.0 / frequency));
    }
}
