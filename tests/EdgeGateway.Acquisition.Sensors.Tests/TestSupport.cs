using EdgeGateway.Core.Acquisition;
using EdgeGateway.Core.Signals;

namespace EdgeGateway.Acquisition.Sensors.Tests;

/// <summary>A writer into a preallocated array (so it allocates nothing per sample); refuses samples once full.</summary>
public sealed class RecordingSampleWriter : ISampleWriter
{
    private readonly Lock _gate = new();
    private readonly LiftSample[] _samples;
    private int _count;

    public RecordingSampleWriter(int capacity = 1 << 16) => _samples = new LiftSample[capacity];

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _count;
            }
        }
    }

    public bool TryWrite(in LiftSample sample)
    {
        lock (_gate)
        {
            if (_count == _samples.Length)
            {
                return false;
            }

            _samples[_count++] = sample;
            return true;
        }
    }

    public LiftSample[] Snapshot()
    {
        lock (_gate)
        {
            return _samples.AsSpan(0, _count).ToArray();
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _count = 0;
        }
    }
}

public sealed class RecordingHealthReporter : ISensorHealthReporter
{
    private readonly Lock _gate = new();
    private readonly List<(string Sensor, string? Problem)> _reports = [];

    public void Report(string sensor, string? problem)
    {
        lock (_gate)
        {
            _reports.Add((sensor, problem));
        }
    }

    public (string Sensor, string? Problem)[] Reports
    {
        get
        {
            lock (_gate)
            {
                return [.. _reports];
            }
        }
    }
}

public static class Eventually
{
    /// <summary>Polls <paramref name="condition"/> until it holds; fails the test after <paramref name="seconds"/> (a bound, not a timing assertion).</summary>
    public static async Task True(Func<bool> condition, string what, double seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Gave up waiting after {seconds} s for: {what}");
            }

            await Task.Delay(10);
        }
    }
}
