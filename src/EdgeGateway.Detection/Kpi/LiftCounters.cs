using System.Runtime.InteropServices;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Signals;
using EdgeGateway.Detection.Pipeline;
using EdgeGateway.Detection.Trips;

namespace EdgeGateway.Detection.Kpi;

/// <summary>The lift's lifetime counters (domain brief: runs, door cycles, running hours, distance).</summary>
/// <param name="Runs">Trips of kind <see cref="TripKind.Run"/> (re-levelling is not a run).</param>
/// <param name="DoorCycles">Door openings that ended with the door closed again.</param>
/// <param name="RunningMicros">Time spent moving (all trips).</param>
/// <param name="DistanceMm">Distance travelled (all trips).</param>
[StructLayout(LayoutKind.Auto)]
public readonly record struct CounterValues(long Runs, long DoorCycles, long RunningMicros, long DistanceMm)
{
    public double RunningHours => RunningMicros / 3_600_000_000.0;
}

/// <summary>
/// Keeps the counters up to date from trips (as an <see cref="ITripSink"/>) and door movements (as a detection stage).
/// Updates happen on the hot-loop thread; <see cref="Snapshot"/> may be called from any thread (the saver, telemetry).
/// Updates are per trip or door cycle, never per sample, so a lock costs nothing measurable.
/// </summary>
public sealed class LiftCounters : IDetectionStage, ITripSink
{
    private readonly Lock _lock = new();
    private CounterValues _values;
    private long _version;
    private bool _doorLeftClosed;

    public LiftCounters(CounterValues initial = default)
    {
        _values = initial;
    }

    /// <summary>
    /// Adds the persisted totals (loaded after the engine may already have counted a few things) to the current values.
    /// </summary>
    public void Restore(in CounterValues persisted)
    {
        lock (_lock)
        {
            _values = new CounterValues(
                _values.Runs + persisted.Runs,
                _values.DoorCycles + persisted.DoorCycles,
                _values.RunningMicros + persisted.RunningMicros,
                _values.DistanceMm + persisted.DistanceMm);
            _version++;
        }
    }

    /// <summary>Increases with every change, so a saver can tell whether anything is new.</summary>
    public long Version => Volatile.Read(ref _version);

    public CounterValues Snapshot()
    {
        lock (_lock)
        {
            return _values;
        }
    }

    public void OnTrip(in TripRecord trip)
    {
        lock (_lock)
        {
            _values = new CounterValues(
                _values.Runs + (trip.Kind == TripKind.Run ? 1 : 0),
                _values.DoorCycles,
                _values.RunningMicros + Math.Max(0, trip.DurationMicros),
                _values.DistanceMm + trip.DistanceMm);
            _version++;
        }
    }

    public void OnSample(in LiftSample sample, in LiftState state, SignalMask changed)
    {
        if ((changed & SignalMask.Door) == 0)
        {
            return;
        }

        if (state.Door != DoorState.Closed)
        {
            _doorLeftClosed = true;
            return;
        }

        if (!_doorLeftClosed)
        {
            return;
        }

        // One cycle = the door left closed and came back to closed (a reversal while closing is part of the same cycle).
        _doorLeftClosed = false;
        lock (_lock)
        {
            _values = _values with { DoorCycles = _values.DoorCycles + 1 };
            _version++;
        }
    }

    public void AdvanceTo(long timeMicros, in LiftState state)
    {
    }

    public void OnEvent(in LiftEvent liftEvent)
    {
    }
}
