using System.Runtime.CompilerServices;
namespace EdgeGateway.Simulation.Lift;

/// <summary>How the car is being moved this step.</summary>
internal enum MotionMode : byte
{
    Stationary,

    /// <summary>A planned jerk-limited trip to a target position.</summary>
    Profile,

    /// <summary>Accelerate or decelerate at a constant rate toward a target velocity (stops, runaways, drift).</summary>
    Ramp,
}

public sealed partial class SimulatedLift
{
    private MotionMode _motion;
    private SCurveProfile _profile;
    private double _profileTarget;
    private long _profileElapsedMicros;
    private double _rampTarget;
    private double _rampRate;
    private double _position;
    private double _velocity;
    private double _acceleration;

    private double ProfileElapsedSeconds => _profileElapsedMicros / 1e6;

    private void StartProfile(double targetPosition, double maxSpeed, double maxAccel)
    {
        _profile = SCurveProfile.Plan(targetPosition - _position, maxSpeed, maxAccel, _jerk);
        _profileTarget = targetPosition;
        _profileElapsedMicros = 0;
        _motion = MotionMode.Profile;
    }

    /// <summary>Changes velocity toward <paramref name="targetVelocity"/> at <paramref name="rate"/> m/s²; reaching 0 ends the motion.</summary>
    private void StartRamp(double targetVelocity, double rate)
    {
        _rampTarget = targetVelocity;
        _rampRate = rate;
        _motion = MotionMode.Ramp;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RunMotion()
    {
        switch (_motion)
        {
            case MotionMode.Profile:
            {
                _profileElapsedMicros += _stepMicros;
                var t = ProfileElapsedSeconds;
                var next = _profile.Velocity(t);
                _position += (_velocity + next) / 2 * _dt;
                _acceleration = (next - _velocity) / _dt;
                _velocity = next;
                if (t >= _profile.Duration)
                {
                    // Trapezoidal integration of the piecewise-polynomial profile is within a fraction of a millimetre:
                    // the drive's position loop levels the car exactly.
                    _position = _profileTarget;
                    _velocity = 0;
                    _motion = MotionMode.Stationary;
                }

                break;
            }

            case MotionMode.Ramp:
            {
                var maxChange = _rampRate * _dt;
                var change = Math.Clamp(_rampTarget - _velocity, -maxChange, maxChange);
                var next = _velocity + change;
                _position += (_velocity + next) / 2 * _dt;
                _acceleration = change / _dt;
                _velocity = next;
                if (_rampTarget == 0 && _velocity == 0)
                {
                    _motion = MotionMode.Stationary;
                }

                break;
            }

            default:
                _velocity = 0;
                _acceleration = 0;
                break;
        }
    }
}
