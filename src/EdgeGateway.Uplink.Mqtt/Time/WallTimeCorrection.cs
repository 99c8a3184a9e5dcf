namespace EdgeGateway.Uplink.Mqtt.Time;

/// <summary>The wall time a record is published with, and how far it can be trusted.</summary>
/// <param name="Synchronized">The wall time is from a synchronised clock, directly or by correction.</param>
/// <param name="Corrected">The record was taken before synchronisation and the wall time was derived from the monotonic clock.</param>
public readonly record struct PublishedWallTime(long UnixMillis, bool Synchronized, bool Corrected);

/// <summary>
/// Honest time at publish. A record taken while the clock was unsynchronised, in the current boot, gets
/// wall = now_wall − (now_monotonic − record_monotonic) once the clock is synchronised, and is flagged corrected.
/// A record from an older boot cannot be corrected (its monotonic clock is gone) and keeps the unsynchronised mark.
/// </summary>
public static class WallTimeCorrection
{
    public static PublishedWallTime Correct(
        long recordWallUnixMillis,
        bool recordWallSynchronized,
        long recordMonotonicMicros,
        Guid recordBootId,
        Guid currentBootId,
        long nowMonotonicMicros,
        long nowWallUnixMillis,
        bool nowSynchronized)
    {
        if (recordWallSynchronized)
        {
            return new PublishedWallTime(recordWallUnixMillis, true, false);
        }

        if (!nowSynchronized || recordBootId != currentBootId || recordMonotonicMicros > nowMonotonicMicros)
        {
            return new PublishedWallTime(recordWallUnixMillis, false, false);
        }

        var ageMillis = (nowMonotonicMicros - recordMonotonicMicros) / 1000;
        return new PublishedWallTime(nowWallUnixMillis - ageMillis, true, true);
    }
}
