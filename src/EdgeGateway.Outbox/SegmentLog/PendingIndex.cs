namespace EdgeGateway.Outbox.SegmentLog;

/// <summary>Where a pending message lives and when it expires.</summary>
internal struct IndexEntry
{
    public long Id;
    public Segment Segment;
    public int Offset;
    public int Length;
    public long ExpiresAtTimestamp;
    public ushort StreamIndex;
    public ushort BootIndex;
    public MessageClass Class;
    public bool Removed;
}

/// <summary>
/// Pending messages in id order. Ids only grow, so appends go at the end and lookups are binary searches; removed
/// entries stay as tombstones until they reach the front or outnumber the live ones (then the array is compacted).
/// Preallocated and grown by doubling, so steady-state appends allocate nothing.
/// </summary>
internal sealed class PendingIndex
{
    private IndexEntry[] _items = new IndexEntry[1024];
    private int _start;
    private int _end;

    public int Live { get; private set; }

    public int Start => _start;

    public int End => _end;

    public ref IndexEntry this[int position] => ref _items[position];

    public long LastId => _end > _start ? _items[_end - 1].Id : 0;

    public void Append(in IndexEntry entry)
    {
        if (_end > _start && entry.Id <= _items[_end - 1].Id)
        {
            throw new InvalidOperationException($"Outbox index out of order: id {entry.Id} after {_items[_end - 1].Id}.");
        }

        if (_end == _items.Length)
        {
            MakeRoom();
        }

        _items[_end++] = entry;
        if (!entry.Removed)
        {
            Live++;
        }
    }

    /// <summary>The position of <paramref name="id"/>, or -1.</summary>
    public int Find(long id)
    {
        var position = FirstAtOrAfter(id);
        return position < _end && _items[position].Id == id ? position : -1;
    }

    /// <summary>The first position whose id is greater than <paramref name="id"/> (End when none).</summary>
    public int FirstAfter(long id) => id == long.MaxValue ? _end : FirstAtOrAfter(id + 1);

    public void MarkRemoved(int position)
    {
        ref var entry = ref _items[position];
        if (!entry.Removed)
        {
            entry.Removed = true;
            entry.Segment = null!;
            Live--;
        }

        while (_start < _end && _items[_start].Removed)
        {
            _items[_start++] = default;
        }

        if (_start == _end)
        {
            _start = _end = 0;
        }
    }

    /// <summary>Drops tombstones when they are more than half the entries (amortised O(1) per removal).</summary>
    public void CompactIfSparse()
    {
        var count = _end - _start;
        if (count < 4096 || Live * 2 > count)
        {
            return;
        }

        var write = 0;
        for (var read = _start; read < _end; read++)
        {
            if (!_items[read].Removed)
            {
                _items[write++] = _items[read];
            }
        }

        Array.Clear(_items, write, _end - write);
        _start = 0;
        _end = write;
    }

    private int FirstAtOrAfter(long id)
    {
        int low = _start, high = _end;
        while (low < high)
        {
            var mid = low + ((high - low) >> 1);
            if (_items[mid].Id < id)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }

        return low;
    }

    private void MakeRoom()
    {
        var count = _end - _start;
        if (_start > 0 && count < _items.Length / 2)
        {
            Array.Copy(_items, _start, _items, 0, count);
            Array.Clear(_items, count, _end - count);
        }
        else
        {
            var larger = new IndexEntry[_items.Length * 2];
            Array.Copy(_items, _start, larger, 0, count);
            _items = larger;
        }

        _start = 0;
        _end = count;
    }
}

/// <summary>Ids of one message class in age order, for eviction (oldest first) and expiry. Ids of removed messages are skipped lazily.</summary>
internal sealed class ClassQueue
{
    private long[] _ids = new long[1024];
    private int _start;
    private int _end;

    public int Count => _end - _start;

    public long Peek() => _ids[_start];

    public void Dequeue()
    {
        _start++;
        if (_start == _end)
        {
            _start = _end = 0;
        }
    }

    public void Enqueue(long id)
    {
        if (_end == _ids.Length)
        {
            var count = _end - _start;
            if (_start > 0 && count < _ids.Length / 2)
            {
                Array.Copy(_ids, _start, _ids, 0, count);
            }
            else
            {
                var larger = new long[_ids.Length * 2];
                Array.Copy(_ids, _start, larger, 0, count);
                _ids = larger;
            }

            _start = 0;
            _end = count;
        }

        _ids[_end++] = id;
    }

    /// <summary>Drops ids the index no longer holds when they outnumber the live ones.</summary>
    public void CompactIfSparse(PendingIndex index, long liveCount)
    {
        var count = _end - _start;
        if (count < 4096 || liveCount * 2 > count)
        {
            return;
        }

        var write = 0;
        for (var read = _start; read < _end; read++)
        {
            var position = index.Find(_ids[read]);
            if (position >= 0 && !index[position].Removed)
            {
                _ids[write++] = _ids[read];
            }
        }

        _start = 0;
        _end = write;
    }
}
