using EdgeGateway.Core.Time;

namespace EdgeGateway.Uplink.Mqtt.Tests.Support;

/// <summary>A wall clock driven by a TimeProvider whose synchronisation state the test sets.</summary>
public sealed class SettableWallClock(TimeProvider time, bool synchronized) : IWallClock
{
    public bool IsSynchronized { get; set; } = synchronized;

    public DateTimeOffset UtcNow => time.GetUtcNow();
}
