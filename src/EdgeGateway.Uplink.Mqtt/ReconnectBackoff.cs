namespace EdgeGateway.Uplink.Mqtt;

/// <summary>
/// "Full jitter" exponential backoff (AWS Architecture Blog, "Exponential Backoff and Jitter", 2015): the delay is
/// uniform in [0, min(cap, base × 2^attempt)]. After a broker outage a fleet of thousands of boxes then spreads its
/// reconnects over the whole window instead of arriving in synchronised waves.
/// </summary>
public sealed class ReconnectBackoff
{
    private readonly TimeSpan _base;
    private readonly TimeSpan _cap;
    private readonly Random _random;

    public ReconnectBackoff(TimeSpan baseDelay, TimeSpan cap, Random? random = null)
    {
        _base = baseDelay;
        _cap = cap;
        _random = random ?? Random.Shared;
    }

    /// <summary>The ceiling for <paramref name="attempt"/> (0-based): min(cap, base × 2^attempt).</summary>
    public TimeSpan Ceiling(int attempt)
    {
        var exponent = Math.Clamp(attempt, 0, 30);
        var ticks = _base.Ticks * (double)(1L << exponent);
        return ticks >= _cap.Ticks ? _cap : TimeSpan.FromTicks((long)ticks);
    }

    public TimeSpan Next(int attempt) => TimeSpan.FromTicks((long)(_random.NextDouble() * Ceiling(attempt).Ticks));
}
