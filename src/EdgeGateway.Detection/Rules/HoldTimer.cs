namespace EdgeGateway.Detection.Rules;

/// <summary>
/// "Condition true continuously for at least the hold time": the one timing primitive every rule shares.
/// It fires once per continuous run of the condition, at the exact end of the hold (start + hold), so the
/// engine can fire it from <c>AdvanceTo</c> without waiting for the next sample. A mutable struct on purpose:
/// rules keep it in a field and update it in place (never copy it).
/// </summary>
public struct HoldTimer
{
    private readonly long _holdMicros;
    private long _startMicros;
    private bool _running;
    private bool _fired;

    public HoldTimer(long holdMicros)
    {
        _holdMicros = holdMicros;
    }

    /// <summary>When it will fire, or <see cref="long.MaxValue"/> when it is not counting (or already fired).</summary>
    public readonly long Deadline => _running && !_fired ? _startMicros + _holdMicros : long.MaxValue;

    public readonly bool IsRunning => _running;

    /// <summary>Starts counting when <paramref name="condition"/> becomes true, stops (and re-arms) when it becomes false.</summary>
    public void Update(bool condition, long nowMicros)
    {
        if (condition)
        {
            if (!_running)
            {
                _running = true;
                _fired = false;
                _startMicros = nowMicros;
            }
        }
        else
        {
            _running = false;
            _fired = false;
        }
    }

    /// <summary>True once, when the condition has held for the hold time at <paramref name="nowMicros"/>; <paramref name="atMicros"/> is the end of the hold.</summary>
    public bool TryFire(long nowMicros, out long atMicros)
    {
        if (_running && !_fired && nowMicros >= _startMicros + _holdMicros)
        {
            _fired = true;
            atMicros = _startMicros + _holdMicros;
            return true;
        }

        atMicros = 0;
        return false;
    }

    /// <summary>Convenience: <see cref="Update"/> then <see cref="TryFire"/>.</summary>
    public bool Check(bool condition, long nowMicros, out long atMicros)
    {
        Update(condition, nowMicros);
        return TryFire(nowMicros, out atMicros);
    }

    public void Reset()
    {
        _running = false;
        _fired = false;
    }
}
