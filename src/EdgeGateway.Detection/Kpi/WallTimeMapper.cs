using EdgeGateway.Core.Time;

namespace EdgeGateway.Detection.Kpi;

/// <summary>
/// Turns the monotonic time a sample or event carries into wall-clock time, or says it cannot (the clock is not
/// synchronised: boxes often have no RTC and stamp 1970 until NTP syncs). KPI days and black-box headers need it.
/// </summary>
public interface IWallTimeMapper
{
    /// <returns>The UTC wall time of <paramref name="monotonicMicros"/>, or null when the wall clock cannot be trusted.</returns>
    DateTimeOffset? ToWall(long monotonicMicros);
}

/// <summary>The live service: wall = now_wall − (now_monotonic − t), while the wall clock is synchronised.</summary>
public sealed class LiveWallTimeMapper(IWallClock wallClock, Func<long> monotonicNowMicros) : IWallTimeMapper
{
    public DateTimeOffset? ToWall(long monotonicMicros)
    {
        if (!wallClock.IsSynchronized)
        {
            return null;
        }

        var age = monotonicNowMicros() - monotonicMicros;
        return wallClock.UtcNow.AddTicks(-age * 10);
    }
}

/// <summary>A replayed trace: t = 0 is the header's <c>start</c> (null when the recording clock was not synchronised).</summary>
public sealed class TraceWallTimeMapper(DateTimeOffset? start) : IWallTimeMapper
{
    public DateTimeOffset? ToWall(long monotonicMicros) => start?.AddTicks(monotonicMicros * 10);
}
