using System.Runtime.CompilerServices;
namespace EdgeGateway.Simulation.Lift;

/// <summary>
/// A jerk-limited (seven-segment "S-curve") point-to-point velocity profile: jerk up, constant acceleration,
/// jerk down, cruise, and the mirror image to stop. Lifts limit jerk (typically 1–1.5 m/s³) because passengers feel
/// it more than acceleration; the peak velocity is lowered for trips too short to reach the rated speed.
/// Velocities are signed (+ up); times in seconds from the start of motion.
/// </summary>
internal readonly struct SCurveProfile
{
    private readonly double _direction;
    private readonly double _peak;
    private readonly double _accel;
    private readonly double _jerk;
    private readonly double _rampTime;
    private readonly double _cruiseTime;

    private SCurveProfile(double direction, double peak, double accel, double jerk, double rampTime, double cruiseTime)
    {
        _direction = direction;
        _peak = peak;
        _accel = accel;
        _jerk = jerk;
        _rampTime = rampTime;
        _cruiseTime = cruiseTime;
    }

    /// <summary>Total duration of the motion in seconds.</summary>
    public double Duration => (2 * _rampTime) + _cruiseTime;

    /// <summary>Highest speed reached (m/s, unsigned).</summary>
    public double PeakSpeed => _peak;

    /// <summary>Seconds from the start at which the constant-speed region begins (equal to its end when there is none).</summary>
    public double CruiseStart => _rampTime;

    public double CruiseEnd => _rampTime + _cruiseTime;

    /// <summary>Plans a motion over <paramref name="distance"/> metres (signed) within the speed, acceleration and jerk limits.</summary>
    public static SCurveProfile Plan(double distance, double maxSpeed, double maxAccel, double jerk)
    {
        var direction = Math.Sign(distance);
        var length = Math.Abs(distance);
        if (length < 1e-9)
        {
            return new SCurveProfile(0, 0, maxAccel, jerk, 0, 0);
        }

        var peak = maxSpeed;
        if (RampDistancePair(peak, maxAccel, jerk) > length)
        {
            // Distance covered by accelerating to v and back grows monotonically with v: bisect for the peak that fits.
            double low = 0, high = maxSpeed;
            for (var i = 0; i < 60; i++)
            {
                var mid = (low + high) / 2;
                if (RampDistancePair(mid, maxAccel, jerk) > length)
                {
                    high = mid;
                }
                else
                {
                    low = mid;
                }
            }

            peak = low;
        }

        var ramp = RampTime(peak, maxAccel, jerk);
        var cruise = peak > 0 ? Math.Max(0, (length - (peak * ramp)) / peak) : 0;
        return new SCurveProfile(direction, peak, maxAccel, jerk, ramp, cruise);
    }

    /// <summary>Signed velocity (m/s) at <paramref name="t"/> seconds after the start.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double Velocity(double t)
    {
        if (t <= 0)
        {
            return 0;
        }

        if (t < _rampTime)
        {
            return _direction * RampVelocity(t);
        }

        var decelStart = _rampTime + _cruiseTime;
        if (t < decelStart)
        {
            return _direction * _peak;
        }

        var end = decelStart + _rampTime;
        return t >= end ? 0 : _direction * RampVelocity(end - t);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private double RampVelocity(double t)
    {
        var jerkTime = _accel / _jerk;
        if (_peak >= _accel * jerkTime)
        {
            if (t <= jerkTime)
            {
                return _jerk * t * t / 2;
            }

            if (t <= _rampTime - jerkTime)
            {
                return (_accel * jerkTime / 2) + (_accel * (t - jerkTime));
            }

            var left = _rampTime - t;
            return _peak - (_jerk * left * left / 2);
        }

        var half = _rampTime / 2;
        if (t <= half)
        {
            return _jerk * t * t / 2;
        }

        var rest = _rampTime - t;
        return _peak - (_jerk * rest * rest / 2);
    }

    /// <summary>Time to ramp from rest to <paramref name="peak"/>: v/a + a/j when full acceleration is reached, else 2·√(v/j).</summary>
    private static double RampTime(double peak, double accel, double jerk) =>
        peak >= accel * accel / jerk ? (peak / accel) + (accel / jerk) : 2 * Math.Sqrt(peak / jerk);

    /// <summary>Distance to accelerate to <paramref name="peak"/> and back to rest: each symmetric ramp covers v·T/2.</summary>
    private static double RampDistancePair(double peak, double accel, double jerk) => peak * RampTime(peak, accel, jerk);
}
