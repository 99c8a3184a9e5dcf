using EdgeGateway.Core.Signals;
using EdgeGateway.Detection.BlackBox;

namespace EdgeGateway.Detection.Tests.BlackBox;

/// <summary>A power-of-two ring of the newest samples, numbered from 0: the history the hot loop keeps, for tests.</summary>
internal sealed class TestSampleRing(int capacityPowerOfTwo) : ISampleHistory
{
    private readonly LiftSample[] _items = new LiftSample[capacityPowerOfTwo];

    public long NextSequence { get; private set; }

    public long OldestSequence => Math.Max(0, NextSequence - _items.Length);

    public void Write(in LiftSample sample) => _items[NextSequence++ & (_items.Length - 1)] = sample;

    public int Copy(long fromSequence, Span<LiftSample> destination)
    {
        if (fromSequence < OldestSequence)
        {
            throw new ArgumentOutOfRangeException(nameof(fromSequence), fromSequence, $"oldest held is {OldestSequence}");
        }

        var n = (int)Math.Min(destination.Length, NextSequence - fromSequence);
        for (var i = 0; i < n; i++)
        {
            destination[i] = _items[(fromSequence + i) & (_items.Length - 1)];
        }

        return Math.Max(0, n);
    }
}
