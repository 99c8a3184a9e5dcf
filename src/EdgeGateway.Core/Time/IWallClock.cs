namespace EdgeGateway.Core.Time;

/// <summary>
/// The wall clock and whether it can be trusted yet. Records taken while <see cref="IsSynchronized"/> is false
/// are marked as such and their wall time is corrected from the monotonic clock once it becomes true.
/// </summary>
public interface IWallClock
{
    bool IsSynchronized { get; }

    DateTimeOffset UtcNow { get; }
}
