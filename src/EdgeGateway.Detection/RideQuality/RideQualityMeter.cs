using EdgeGateway.Core.Signals;

namespace EdgeGateway.Detection.RideQuality;

/// <summary>
/// Measures ride quality trip by trip from the accelerometer's vertical axis. Every accelerometer sample goes through
/// the 10 Hz low-pass (also between trips, so the filter is settled when a trip starts); between trips the filtered
/// value teaches the gravity estimate; during a trip it feeds the acceleration, jerk and half-cycle figures.
/// Allocation-free after construction; not thread-safe (hot-loop thread only).
/// </summary>
public sealed class RideQualityMeter
{
    private const int RateProbeIntervals = 32;
    /// <summary>A gap longer than this many nominal intervals restarts the filter from the new value (no bogus transient).</summary>
    private const int GapIntervals = 5;

    private readonly RideQualityOptions _options;
    private readonly HalfCycleRecorder _halfCycles;
    private readonly long[] _rateProbe = new long[RateProbeIntervals];
    private readonly long[] _speedTimes;
    private readonly float[] _speeds;
    private int _rateProbeCount;
    private long _lastAccTime = long.MinValue;
    private ButterworthLowPass? _filter;
    private double _intervalSeconds;
    private double _gravity;
    private bool _haveFiltered;
    private double _previousFiltered;

    private bool _inTrip;
    private bool _integrateSpeed;
    private double _integratedSpeed;
    private int _speedCount;
    private long _speedMinSpacingMicros;
    private int _accSamples;
    private double _maxUp;
    private double _maxDown;
    private double _maxJerk;

    public RideQualityMeter(RideQualityOptions options, double gravityMs2)
    {
        _options = options;
        _gravity = gravityMs2;
        _halfCycles = new HalfCycleRecorder(options.HalfCycleCapacity);
        _speedTimes = new long[options.SpeedPointCapacity];
        _speeds = new float[options.SpeedPointCapacity];
        if (options.SampleRateHz > 0)
        {
            CreateFilter(options.SampleRateHz);
        }
    }

    /// <summary>The accelerometer rate in use (configured or measured), or 0 while it is still being measured.</summary>
    public double SampleRateHz => _filter?.SampleRateHz ?? 0;

    /// <summary>Current gravity estimate, m/s².</summary>
    public double GravityMs2 => _gravity;

    /// <summary>Latest filtered vertical acceleration (acc.z − g), m/s².</summary>
    public double VerticalAcceleration => _haveFiltered ? (_filter!.Value - _gravity) : 0;

    /// <summary>Why ride quality cannot be measured (e.g. a sample rate too low for the cutoff), or null.</summary>
    public string? Problem { get; private set; }

    public bool InTrip => _inTrip;

    /// <summary>One accelerometer reading (z vertical, up positive, ≈ +g at rest).</summary>
    public void OnAcceleration(long timeMicros, float accZ)
    {
        var last = _lastAccTime;
        _lastAccTime = timeMicros;
        if (_filter is null)
        {
            ProbeRate(last, timeMicros);
            if (_filter is null)
            {
                return;
            }
        }

        var filter = _filter;
        if (!_haveFiltered || (last != long.MinValue && timeMicros - last > GapIntervals * _intervalSeconds * 1_000_000))
        {
            filter.Reset(accZ);
            _haveFiltered = true;
            _previousFiltered = filter.Value;
            return;
        }

        var filtered = filter.Process(accZ);
        if (!_inTrip)
        {
            // Exponential average with time constant τ: weight dt/τ per sample (dt ≪ τ).
            _gravity += (filtered - _gravity) * Math.Min(1, _intervalSeconds / _options.GravityTimeConstantSeconds);
            _previousFiltered = filtered;
            return;
        }

        var vertical = filtered - _gravity;
        _accSamples++;
        if (vertical > _maxUp)
        {
            _maxUp = vertical;
        }

        if (-vertical > _maxDown)
        {
            _maxDown = -vertical;
        }

        // Jerk from successive filtered values at the nominal interval: timestamp jitter of the sensor's FIFO
        // would otherwise turn into jerk spikes.
        var jerk = Math.Abs(filtered - _previousFiltered) / _intervalSeconds;
        if (jerk > _maxJerk)
        {
            _maxJerk = jerk;
        }

        _previousFiltered = filtered;
        _halfCycles.Add(timeMicros, (float)vertical);
        if (_integrateSpeed)
        {
            _integratedSpeed += vertical * _intervalSeconds;
            AddSpeedPoint(timeMicros, (float)Math.Abs(_integratedSpeed * 1000));
        }
    }

    /// <summary>A trip starts. <paramref name="controllerSpeedKnown"/>: speed points come from <see cref="OnSpeed"/>; otherwise the acceleration is integrated.</summary>
    public void BeginTrip(long timeMicros, bool controllerSpeedKnown, int speedMmS)
    {
        _inTrip = true;
        _integrateSpeed = !controllerSpeedKnown;
        _integratedSpeed = 0;
        _speedCount = 0;
        _speedMinSpacingMicros = 20_000; // 50 points a second is plenty to place the region's edges
        _accSamples = 0;
        _maxUp = 0;
        _maxDown = 0;
        _maxJerk = 0;
        _halfCycles.Clear();
        AddSpeedPoint(timeMicros, Math.Abs(speedMmS));
    }

    /// <summary>The controller's speed changed during the trip (mm/s, signed).</summary>
    public void OnSpeed(long timeMicros, int speedMmS)
    {
        if (_inTrip && !_integrateSpeed)
        {
            AddSpeedPoint(timeMicros, Math.Abs(speedMmS));
        }
    }

    /// <summary>The trip ended; null when no accelerometer sample was seen during it.</summary>
    public RideQualityMetrics? EndTrip(long timeMicros, TravelDirection direction)
    {
        if (!_inTrip)
        {
            return null;
        }

        _inTrip = false;
        if (_accSamples == 0)
        {
            return null;
        }

        var vibration = PeakToPeakStatistics.Empty;
        var regionSeconds = 0f;
        if (FindConstantSpeedRegion(timeMicros, out var from, out var to))
        {
            vibration = _halfCycles.Evaluate(from, to);
            regionSeconds = (to - from) / 1_000_000f;
        }

        // Up travel: positive vertical acceleration speeds the car up; down travel: the reverse.
        var down = direction == TravelDirection.Down;
        return new RideQualityMetrics(
            (float)(down ? _maxDown : _maxUp),
            (float)(down ? _maxUp : _maxDown),
            (float)_maxJerk,
            vibration.Max,
            vibration.A95,
            vibration.PairCount,
            regionSeconds,
            _accSamples);
    }

    private bool FindConstantSpeedRegion(long endMicros, out long from, out long to)
    {
        from = to = 0;
        var top = 0f;
        for (var i = 0; i < _speedCount; i++)
        {
            top = Math.Max(top, _speeds[i]);
        }

        if (_speedCount == 0 || top < _options.MinConstantSpeedMmS)
        {
            return false;
        }

        var threshold = (float)(top * _options.ConstantSpeedFraction);
        var first = -1;
        var last = -1;
        for (var i = 0; i < _speedCount; i++)
        {
            if (_speeds[i] >= threshold)
            {
                if (first < 0)
                {
                    first = i;
                }

                last = i;
            }
        }

        // A speed point holds until the next one: the region ends where the speed first fell below the threshold.
        var regionEnd = last + 1 < _speedCount ? _speedTimes[last + 1] : endMicros;
        var margin = (long)(_options.ConstantSpeedMarginSeconds * 1_000_000);
        from = _speedTimes[first] + margin;
        to = regionEnd - margin;
        return to > from;
    }

    private void AddSpeedPoint(long timeMicros, float speedMmS)
    {
        if (_integrateSpeed && _speedCount > 0 && timeMicros - _speedTimes[_speedCount - 1] < _speedMinSpacingMicros)
        {
            return;
        }

        if (_speedCount == _speeds.Length)
        {
            // Full: keep every other point and halve the rate of new ones, so a long trip still covers its whole length.
            var kept = 0;
            for (var i = 0; i < _speedCount; i += 2)
            {
                _speedTimes[kept] = _speedTimes[i];
                _speeds[kept] = _speeds[i];
                kept++;
            }

            _speedCount = kept;
            _speedMinSpacingMicros *= 2;
        }

        _speedTimes[_speedCount] = timeMicros;
        _speeds[_speedCount] = speedMmS;
        _speedCount++;
    }

    private void ProbeRate(long last, long timeMicros)
    {
        if (last == long.MinValue || timeMicros <= last)
        {
            return;
        }

        _rateProbe[_rateProbeCount++] = timeMicros - last;
        if (_rateProbeCount < RateProbeIntervals)
        {
            return;
        }

        // The median interval ignores the odd late or doubled sample of an I2C FIFO read.
        var intervals = _rateProbe.AsSpan();
        intervals.Sort();
        var median = intervals[RateProbeIntervals / 2];
        CreateFilter(1_000_000.0 / median);
    }

    private void CreateFilter(double sampleRateHz)
    {
        if (_options.FilterCutoffHz >= sampleRateHz / 2)
        {
            // Set once: the probe keeps measuring (the rate may be configured wrongly on the sensor) without allocating again.
            Problem ??= $"the accelerometer rate {sampleRateHz:0.#} Hz is too low for a {_options.FilterCutoffHz} Hz low-pass (needs more than {2 * _options.FilterCutoffHz} Hz)";
            _rateProbeCount = 0;
            return;
        }

        _filter = new ButterworthLowPass(_options.FilterCutoffHz, sampleRateHz);
        _intervalSeconds = 1 / sampleRateHz;
        Problem = null;
    }
}
