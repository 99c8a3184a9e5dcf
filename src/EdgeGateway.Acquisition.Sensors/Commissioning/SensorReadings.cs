using EdgeGateway.Acquisition.Sensors.Accelerometers;
using EdgeGateway.Acquisition.Sensors.Gpio;
using EdgeGateway.Core.Acquisition;
using EdgeGateway.Core.Signals;

namespace EdgeGateway.Acquisition.Sensors.Commissioning;

/// <summary>One input as the installer sees it.</summary>
/// <param name="Edges">Changes seen since the session started (the first value is not a change).</param>
public readonly record struct InputReading(GpioSignal Signal, bool Known, bool Active, long LastChangeMicros, long Edges);

/// <summary>What <c>edgegw sensors</c> shows: every input, the latest acceleration, its rate, and any sensor problems.</summary>
public sealed record SensorReadingsSnapshot(
    IReadOnlyList<InputReading> Inputs,
    AccelerationVector Acceleration,
    long AccelerationSamples,
    double AccelerationRateHz,
    IReadOnlyDictionary<string, string> Problems);

/// <summary>
/// The live state of the box's sensors for the installer: sources write into it (it is their <see cref="ISampleWriter"/>
/// and <see cref="ISensorHealthReporter"/>), the console and the wiring check read snapshots. Thread-safe.
/// </summary>
public sealed class SensorReadings : ISampleWriter, ISensorHealthReporter
{
    private readonly Lock _gate = new();
    private readonly InputReading[] _inputs;
    private readonly Dictionary<string, string> _problems = [];
    private readonly AccelerationVector[] _recent = new AccelerationVector[512];
    private AccelerationVector _acceleration;
    private long _accelerationSamples;
    private long _firstAccelerationMicros = -1;
    private long _lastAccelerationMicros;

    public SensorReadings()
    {
        _inputs = new InputReading[GpioSignals.All.Count];
        foreach (var signal in GpioSignals.All)
        {
            _inputs[(int)signal] = new InputReading(signal, false, false, 0, 0);
        }
    }

    public bool TryWrite(in LiftSample sample)
    {
        lock (_gate)
        {
            if (sample.Has(SignalMask.Acc))
            {
                _acceleration = new AccelerationVector(sample.AccX, sample.AccY, sample.AccZ);
                _recent[_accelerationSamples % _recent.Length] = _acceleration;
                _accelerationSamples++;
                if (_firstAccelerationMicros < 0)
                {
                    _firstAccelerationMicros = sample.TimeMicros;
                }

                _lastAccelerationMicros = sample.TimeMicros;
            }

            foreach (var signal in GpioSignals.All)
            {
                if (!GpioSignals.TryGetActive(signal, sample, out var active))
                {
                    continue;
                }

                ref var input = ref _inputs[(int)signal];
                if (!input.Known)
                {
                    input = input with { Known = true, Active = active, LastChangeMicros = sample.TimeMicros };
                }
                else if (input.Active != active)
                {
                    input = input with { Active = active, LastChangeMicros = sample.TimeMicros, Edges = input.Edges + 1 };
                }
            }

            return true;
        }
    }

    public void Report(string sensor, string? problem)
    {
        lock (_gate)
        {
            if (problem is null)
            {
                _problems.Remove(sensor);
            }
            else
            {
                _problems[sensor] = problem;
            }
        }
    }

    public InputReading Input(GpioSignal signal)
    {
        lock (_gate)
        {
            return _inputs[(int)signal];
        }
    }

    public long AccelerationSamples
    {
        get
        {
            lock (_gate)
            {
                return _accelerationSamples;
            }
        }
    }

    /// <summary>Mean of the last up to <paramref name="count"/> accelerometer samples, and how many there were.</summary>
    public (AccelerationVector Mean, int Count) RecentMean(int count)
    {
        lock (_gate)
        {
            var n = (int)Math.Min(Math.Min(count, _recent.Length), _accelerationSamples);
            double x = 0, y = 0, z = 0;
            for (var i = 0; i < n; i++)
            {
                var v = _recent[(_accelerationSamples - 1 - i) % _recent.Length];
                x += v.X;
                y += v.Y;
                z += v.Z;
            }

            return n == 0 ? (default, 0) : (new AccelerationVector((float)(x / n), (float)(y / n), (float)(z / n)), n);
        }
    }

    public SensorReadingsSnapshot Snapshot()
    {
        lock (_gate)
        {
            var span = _lastAccelerationMicros - _firstAccelerationMicros;
            var rate = _accelerationSamples > 1 && span > 0 ? (_accelerationSamples - 1) * 1e6 / span : 0;
            return new SensorReadingsSnapshot([.. _inputs], _acceleration, _accelerationSamples, rate, new Dictionary<string, string>(_problems));
        }
    }
}
