using EdgeGateway.Core.Acquisition;
using EdgeGateway.Core.Signals;

namespace EdgeGateway.Simulation.Tests;

/// <summary>An <see cref="ISampleWriter"/> that keeps every sample and the signal state they build, for assertions.</summary>
internal sealed class SampleRecorder : ISampleWriter
{
    private readonly bool _keep;
    private LiftState _state;

    public SampleRecorder(bool keepSamples = true)
    {
        _keep = keepSamples;
    }

    public List<LiftSample> Samples { get; } = [];

    public LiftState State => _state;

    public long Count { get; private set; }

    public long LastTime { get; private set; } = long.MinValue;

    public bool TimeWentBackwards { get; private set; }

    /// <summary>Called after every sample with the state it produced.</summary>
    public Action<LiftSample, LiftState>? OnSample { get; set; }

    public bool TryWrite(in LiftSample sample)
    {
        if (sample.TimeMicros < LastTime)
        {
            TimeWentBackwards = true;
        }

        LastTime = sample.TimeMicros;
        Count++;
        _state.Apply(in sample);
        if (_keep)
        {
            Samples.Add(sample);
        }

        OnSample?.Invoke(sample, _state);
        return true;
    }
}
