using EdgeGateway.Core.Signals;
using EdgeGateway.Detection.HotLoop;

namespace EdgeGateway.Detection.BlackBox;

/// <summary>
/// The hot loop's <see cref="SampleHistory"/> ring seen as the black box's <see cref="ISampleHistory"/>. The ring is
/// written just before each sample goes to the engine, which is one of the two orders the recorder accepts.
/// </summary>
public sealed class HotLoopSampleHistory(SampleHistory ring) : ISampleHistory
{
    public long NextSequence => ring.NextSequence;

    public long OldestSequence => ring.OldestSequence;

    public int Copy(long fromSequence, Span<LiftSample> destination) => ring.Copy(fromSequence, destination);
}
