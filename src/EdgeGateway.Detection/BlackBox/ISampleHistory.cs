using EdgeGateway.Core.Signals;

namespace EdgeGateway.Detection.BlackBox;

/// <summary>
/// Read access to the hot loop's ring of recent samples (the black box keeps no second copy of them). Samples are
/// numbered in the order they were written, from 0; the ring holds the newest ones.
/// </summary>
/// <remarks>
/// Contract the black box relies on: every sample the engine processes is written to the history exactly once and
/// in the same order (before or after <c>DetectionEngine.Process</c>: both orders are handled), and the history is
/// read and written on the hot-loop thread only.
/// </remarks>
public interface ISampleHistory
{
    /// <summary>The sequence number the next written sample will get (= samples written so far).</summary>
    long NextSequence { get; }

    /// <summary>The oldest sequence number still held (= <see cref="NextSequence"/> when empty).</summary>
    long OldestSequence { get; }

    /// <summary>
    /// Copies held samples from <paramref name="fromSequence"/> (at least <see cref="OldestSequence"/>) onwards into
    /// <paramref name="destination"/>; returns how many were copied (fewer when the newest is reached).
    /// </summary>
    int Copy(long fromSequence, Span<LiftSample> destination);
}
