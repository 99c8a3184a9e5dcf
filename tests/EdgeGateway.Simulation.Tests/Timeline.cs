using EdgeGateway.Core.Acquisition;
using EdgeGateway.Core.Signals;

namespace EdgeGateway.Simulation.Tests;

/// <summary>Records the signal state after every discrete sample, so a test can ask what was true at any time.</summary>
internal sealed class Timeline : ISampleWriter
{
    private readonly List<long> _times = [];
    private readonly List<LiftState> _states = [];
    private LiftState _state;

    public List<LiftSample> Discrete { get; } = [];

    public long AccelerometerSamples { get; private set; }

    public bool TryWrite(in LiftSample sample)
    {
        _state.Apply(in sample);
        if (sample.Set == SignalMask.Acc)
        {
            AccelerometerSamples++;
            return true;
        }

        Discrete.Add(sample);
        _times.Add(sample.TimeMicros);
        _states.Add(_state);
        return true;
    }

    public LiftState Last => _state;

    /// <summary>The state as of <paramref name="seconds"/> (the last sample at or before it).</summary>
    public LiftState At(double seconds)
    {
        var micros = (long)Math.Round(seconds * 1e6);
        var index = _times.BinarySearch(micros);
        if (index < 0)
        {
            index = ~index - 1;
        }
        else
        {
            while (index + 1 < _times.Count && _times[index + 1] == micros)
            {
                index++;
            }
        }

        return index < 0 ? default : _states[index];
    }

    /// <summary>Times (s) at which <paramref name="signal"/> changed, with the new state.</summary>
    public IEnumerable<(double Seconds, LiftState State)> Changes(SignalMask signal)
    {
        for (var i = 0; i < Discrete.Count; i++)
        {
            if ((Discrete[i].Set & signal) != 0)
            {
                yield return (_times[i] / 1e6, _states[i]);
            }
        }
    }
}
