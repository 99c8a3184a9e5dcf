using EdgeGateway.Core.Signals;

namespace EdgeGateway.Detection.Tests.Trips;

/// <summary>Builds sample streams of a simulated car with a known answer: controller lines every 100 ms, accelerometer at a fixed rate.</summary>
internal static class SyntheticLift
{
    public const double Gravity = 9.81;

    /// <summary>All signals at rest at <paramref name="floor"/>, levelled, doors closed.</summary>
    public static LiftSample Rest(long t, int floor, bool zone = true) =>
        new(t, SignalMask.AllDiscrete, LiftMode.Normal, floor, TravelDirection.None, false, DoorState.Closed, true, true, 0, 0,
            true, zone, false, false, true, 0, 0, 0);

    public static LiftSample Controller(long t, int floor, TravelDirection dir, bool run, int speed) =>
        new(t, SignalMask.Floor | SignalMask.Dir | SignalMask.Run | SignalMask.Speed, default, floor, dir, run, default, false, false, 0, speed,
            false, false, false, false, false, 0, 0, 0);

    public static LiftSample Zone(long t, bool zone) => LiftSample.Input(t, SignalMask.Zone, zone);

    /// <summary>
    /// One trip with a jerk-limited (trapezoidal) acceleration profile, merged in time order with accelerometer samples.
    /// Acceleration is <paramref name="accel"/> m/s² reached with <paramref name="jerk"/> m/s³; <paramref name="vibration"/>
    /// adds a vertical vibration during the constant-speed part (time since its start in s → m/s²).
    /// </summary>
    public static List<LiftSample> Trip(
        double startSeconds,
        int fromFloor,
        int toFloor,
        double ratedSpeed = 1.5,
        double accel = 1.0,
        double jerk = 2.0,
        double cruiseSeconds = 10,
        double accelHz = 200,
        Func<double, double>? vibration = null,
        double gravity = Gravity,
        double restSeconds = 2)
    {
        var up = toFloor >= fromFloor;
        var sign = up ? 1 : -1;
        var dir = up ? TravelDirection.Up : TravelDirection.Down;
        // Phases: jerk ramp up, hold, ramp down (speed reaches ratedSpeed), cruise, and the mirror image.
        var ramp = accel / jerk;
        var hold = (ratedSpeed / accel) - ramp;
        if (hold < 0)
        {
            throw new ArgumentException("speed too low for the profile");
        }

        var accelPhase = (2 * ramp) + hold;
        var total = (2 * accelPhase) + cruiseSeconds;
        double Acc(double tau)
        {
            if (tau < 0 || tau > total)
            {
                return 0;
            }

            double Profile(double x) => x < ramp ? jerk * x : x < ramp + hold ? accel : x < accelPhase ? accel - (jerk * (x - ramp - hold)) : 0;
            if (tau < accelPhase)
            {
                return Profile(tau);
            }

            if (tau < accelPhase + cruiseSeconds)
            {
                return vibration?.Invoke(tau - accelPhase) ?? 0;
            }

            return -Profile(tau - accelPhase - cruiseSeconds);
        }

        // Speed by integrating the profile finely (without vibration: the controller reports the drive's speed).
        double Speed(double tau)
        {
            double v = 0;
            const double dt = 0.0005;
            for (double x = 0; x < Math.Min(tau, total); x += dt)
            {
                v += (x < accelPhase ? Acc(x) : x >= accelPhase + cruiseSeconds ? Acc(x) : 0) * dt;
            }

            return Math.Max(0, v);
        }

        var samples = new List<LiftSample>();
        var start = (long)(startSeconds * 1e6);
        var runStart = start + (long)(restSeconds * 1e6);
        // The controller reports every 100 ms: the stop is the first report at or after the end of the motion.
        var runEnd = runStart + ((long)Math.Ceiling((total * 10) - 1e-9) * 100_000);
        var end = runEnd + (long)(restSeconds * 1e6);
        samples.Add(Rest(start, fromFloor));
        var accStep = 1e6 / accelHz;
        var nextAcc = (double)start + accStep;
        var nextCtl = runStart;
        var floor = fromFloor;
        var zoneLeft = false;
        var zoneBack = false;
        while (nextAcc < end || nextCtl <= runEnd)
        {
            if (nextCtl <= runEnd && nextCtl <= nextAcc)
            {
                var tau = (nextCtl - runStart) / 1e6;
                var moving = nextCtl < runEnd;
                var v = moving ? Speed(tau) : 0;
                if (nextCtl == runEnd)
                {
                    floor = toFloor;
                }

                samples.Add(Controller(nextCtl, floor, moving ? dir : TravelDirection.None, moving, (int)Math.Round(sign * v * 1000)));
                if (!zoneLeft && tau >= 0.3)
                {
                    samples.Add(Zone(nextCtl, false));
                    zoneLeft = true;
                }

                if (zoneLeft && !zoneBack && tau >= total - 0.3)
                {
                    // The door-zone sensor sees the landing shortly before the car stops (as in the sample traces).
                    samples.Add(Zone(nextCtl, true));
                    zoneBack = true;
                }

                nextCtl += 100_000;
            }
            else
            {
                var t = (long)nextAcc;
                var a = sign * Acc((t - runStart) / 1e6);
                samples.Add(LiftSample.Acceleration(t, 0.01f, -0.01f, (float)(gravity + a)));
                nextAcc += accStep;
            }
        }

        return samples;
    }
}
