using System.Runtime.InteropServices;
using EdgeGateway.Core.Signals;

namespace EdgeGateway.Detection.HotLoop;

/// <summary>
/// Bounded multi-producer single-consumer queue of samples: a preallocated power-of-two array of cells, each with a
/// sequence number (D. Vyukov's bounded queue). Producers claim a cell with one CAS; nothing allocates, nothing locks.
/// When full, <see cref="TryEnqueue"/> returns false and the caller counts a drop (acquisition must never block).
/// </summary>
public sealed class SampleQueue
{
    private readonly Cell[] _cells;
    private readonly long _mask;
    private PaddedLong _enqueuePosition;
    private long _dequeuePosition;

    public SampleQueue(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 2);
        var size = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)capacity);
        _cells = new Cell[size];
        for (var i = 0; i < size; i++)
        {
            _cells[i].Sequence = i;
        }

        _mask = size - 1;
    }

    public int Capacity => _cells.Length;

    /// <summary>Samples waiting (approximate while producers write).</summary>
    public int Count => (int)Math.Max(0, Volatile.Read(ref _enqueuePosition.Value) - Volatile.Read(ref _dequeuePosition));

    /// <summary>Any thread. False when the queue is full.</summary>
    public bool TryEnqueue(in LiftSample sample)
    {
        var position = Volatile.Read(ref _enqueuePosition.Value);
        while (true)
        {
            ref var cell = ref _cells[position & _mask];
            var sequence = Volatile.Read(ref cell.Sequence);
            var difference = sequence - position;
            if (difference == 0)
            {
                if (Interlocked.CompareExchange(ref _enqueuePosition.Value, position + 1, position) == position)
                {
                    cell.Sample = sample;
                    Volatile.Write(ref cell.Sequence, position + 1);
                    return true;
                }
            }
            else if (difference < 0)
            {
                return false;
            }

            position = Volatile.Read(ref _enqueuePosition.Value);
        }
    }

    /// <summary>The single consumer only.</summary>
    public bool TryDequeue(out LiftSample sample)
    {
        var position = _dequeuePosition;
        ref var cell = ref _cells[position & _mask];
        if (Volatile.Read(ref cell.Sequence) != position + 1)
        {
            sample = default;
            return false;
        }

        sample = cell.Sample;
        Volatile.Write(ref cell.Sequence, position + _mask + 1);
        Volatile.Write(ref _dequeuePosition, position + 1);
        return true;
    }

    [StructLayout(LayoutKind.Auto)]
    private struct Cell
    {
        public long Sequence;
        public LiftSample Sample;
    }

    // Keeps the producers' hot counter on its own cache line, away from the consumer's.
    [StructLayout(LayoutKind.Explicit, Size = 128)]
    private struct PaddedLong
    {
        [FieldOffset(64)]
        public long Value;
    }
}
