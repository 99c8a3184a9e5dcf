using EdgeGateway.Core.Events;
using EdgeGateway.Core.Signals;
using EdgeGateway.Detection.Pipeline;
using EdgeGateway.Detection.Trips;

namespace EdgeGateway.Detection.Kpi;

/// <summary>
/// Computes the maintenance KPIs from the box's own history (domain brief): equipment faults per 10 000 runs over a
/// rolling window, downtime episodes (an equipment fault that stops service → the first completed normal trip) and
/// rescue episodes (entrapment raised → arrival, the first of inspection mode or a technician check-in → entrapment
/// cleared). A detection stage and trip sink on the hot-loop thread; <see cref="TechnicianCheckIn"/>,
/// <see cref="GetSummary"/> and <see cref="Snapshot"/> may be called from any thread. Changes happen per event or
/// trip, never per sample, and take a lock.
/// </summary>
public sealed class KpiTracker : IDetectionStage, ITripSink
{
    private readonly Lock _lock = new();
    private readonly KpiOptions _options;
    private readonly IWallTimeMapper _wall;
    private readonly TimeSpan _dayOffset;
    private readonly SortedDictionary<DateOnly, DayCounts> _days = [];
    private readonly List<DowntimeEpisode> _downtime = [];
    private readonly List<RescueEpisode> _rescues = [];
    private long _undatedRuns;
    private long _undatedFaults;
    private Open? _openDowntime;
    private Open? _openRescue;
    private DateOnly? _lastReportedDay;
    private long _version;

    public KpiTracker(KpiOptions options, IWallTimeMapper wallTime)
    {
        _options = options;
        _wall = wallTime;
        _dayOffset = TimeSpan.FromMinutes(options.DayOffsetMinutes);
    }

    /// <summary>Increases with every change, so the saver can tell whether anything is new.</summary>
    public long Version => Volatile.Read(ref _version);

    /// <summary>
    /// Equipment faults for the fault rate and downtime: grade 1–2 raised or instant events, excluding power loss,
    /// the alarm button (and the periodic test alarm), mode events and box health.
    /// </summary>
    public static bool IsEquipmentFault(in LiftEvent liftEvent)
    {
        if (liftEvent.Phase == EventPhase.Cleared)
        {
            return false;
        }

        var grade = EventCatalogue.Get(liftEvent.Type).Grade;
        if (grade is not (EventGrade.Grade1 or EventGrade.Grade2))
        {
            return false;
        }

        return liftEvent.Type is not (EventType.PowerLoss or EventType.AlarmButton or EventType.TestAlarm
            or EventType.Inspection or EventType.ModeChange or EventType.LinkLost or EventType.SensorFault);
    }

    public void OnEvent(in LiftEvent liftEvent)
    {
        if (liftEvent.Type == EventType.Entrapment)
        {
            OnEntrapment(liftEvent);
        }

        if (!IsEquipmentFault(liftEvent))
        {
            return;
        }

        var t = liftEvent.TimeMicros;
        var wall = _wall.ToWall(t);
        lock (_lock)
        {
            if (DayOf(wall) is { } day)
            {
                Bucket(day).Faults++;
            }
            else
            {
                _undatedFaults++;
            }

            _openDowntime ??= new Open(t, wall, liftEvent.Type);
            _version++;
        }
    }

    public void OnTrip(in TripRecord trip)
    {
        var wall = _wall.ToWall(trip.EndMicros);
        lock (_lock)
        {
            if (trip.Kind == TripKind.Run)
            {
                if (DayOf(wall) is { } day)
                {
                    Bucket(day).Runs++;
                }
                else
                {
                    _undatedRuns++;
                }
            }

            // Only a trip that began after the fault shows that service is back (one already under way does not).
            if (_openDowntime is { } open && trip.IsCompletedNormalRun && (open.StartMicros is not { } start || trip.StartMicros >= start))
            {
                _downtime.Add(new DowntimeEpisode(open.StartWall, wall, Seconds(open.StartMicros, open.StartWall, trip.EndMicros, wall),
                    EventCatalogue.Get(open.Cause).Name));
                _openDowntime = null;
                Trim(_downtime);
            }

            _version++;
        }
    }

    public void OnSample(in LiftSample sample, in LiftState state, SignalMask changed)
    {
        if ((changed & SignalMask.Mode) != 0 && state.Mode == LiftMode.Inspection)
        {
            MarkArrival(sample.TimeMicros, RescueArrival.Inspection);
        }
    }

    public void AdvanceTo(long timeMicros, in LiftState state)
    {
    }

    /// <summary>
    /// The remote "technician check-in" command: a rescuer is at the lift. Marks the arrival of the open rescue;
    /// false when no entrapment is open or its arrival is already known.
    /// </summary>
    public bool TechnicianCheckIn(long timeMicros) => MarkArrival(timeMicros, RescueArrival.TechnicianCheckIn);

    /// <summary>The KPIs over the window ending with <paramref name="day"/> (inclusive).</summary>
    public KpiSummary GetSummary(DateOnly day)
    {
        lock (_lock)
        {
            var from = day.AddDays(1 - _options.WindowDays);
            long runs = 0, faults = 0, runsOnDay = 0, faultsOnDay = 0;
            foreach (var (d, counts) in _days)
            {
                if (d < from || d > day)
                {
                    continue;
                }

                runs += counts.Runs;
                faults += counts.Faults;
                if (d == day)
                {
                    runsOnDay = counts.Runs;
                    faultsOnDay = counts.Faults;
                }
            }

            // Counts taken before the clock was ever synchronised belong to the most recent days: count them in.
            runs += _undatedRuns;
            faults += _undatedFaults;

            var downtimeCount = 0;
            double downtimeSum = 0;
            var downtimeKnown = 0;
            double? downtimeMax = null;
            foreach (var e in _downtime)
            {
                if (!InWindow(e.End, from, day))
                {
                    continue;
                }

                downtimeCount++;
                if (e.DurationSeconds is { } s)
                {
                    downtimeSum += s;
                    downtimeKnown++;
                    downtimeMax = Math.Max(downtimeMax ?? 0, s);
                }
            }

            var rescueCount = 0;
            double arrivalSum = 0, releaseSum = 0;
            int arrivalKnown = 0, releaseKnown = 0;
            double? arrivalMax = null;
            foreach (var e in _rescues)
            {
                if (!InWindow(e.End, from, day))
                {
                    continue;
                }

                rescueCount++;
                if (e.ArrivalSeconds is { } a)
                {
                    arrivalSum += a;
                    arrivalKnown++;
                    arrivalMax = Math.Max(arrivalMax ?? 0, a);
                }

                if (e.ReleaseSeconds is { } r)
                {
                    releaseSum += r;
                    releaseKnown++;
                }
            }

            return new KpiSummary(
                day,
                _options.WindowDays,
                runs,
                faults,
                runs > 0 ? faults * 10_000.0 / runs : null,
                downtimeCount,
                downtimeKnown > 0 ? downtimeSum / downtimeKnown : null,
                downtimeMax,
                _openDowntime is not null,
                rescueCount,
                arrivalKnown > 0 ? arrivalSum / arrivalKnown : null,
                arrivalMax,
                releaseKnown > 0 ? releaseSum / releaseKnown : null,
                _openRescue is not null,
                runsOnDay,
                faultsOnDay);
        }
    }

    /// <summary>The local day of a wall time (per <see cref="KpiOptions.DayOffsetMinutes"/>).</summary>
    public DateOnly LocalDay(DateTimeOffset wall) => DateOnly.FromDateTime(wall.UtcDateTime + _dayOffset);

    /// <summary>The day the last daily summary was produced for (persisted, so a restart does not repeat it).</summary>
    public DateOnly? LastReportedDay
    {
        get
        {
            lock (_lock)
            {
                return _lastReportedDay;
            }
        }

        set
        {
            lock (_lock)
            {
                _lastReportedDay = value;
                _version++;
            }
        }
    }

    /// <summary>The whole history for persistence; episodes and days that left the window are dropped on the way.</summary>
    public KpiHistorySnapshot Snapshot()
    {
        lock (_lock)
        {
            Prune();
            var days = new List<KpiDay>(_days.Count);
            foreach (var (d, c) in _days)
            {
                days.Add(new KpiDay(d, c.Runs, c.Faults));
            }

            return new KpiHistorySnapshot(days, _undatedRuns, _undatedFaults, [.. _downtime], [.. _rescues],
                ToOpen(_openDowntime), ToOpen(_openRescue), _lastReportedDay);
        }
    }

    /// <summary>
    /// Merges a persisted history (loaded after the engine may already have recorded something). Open episodes from
    /// before the restart continue; their durations then come from wall times.
    /// </summary>
    public void Restore(KpiHistorySnapshot history)
    {
        lock (_lock)
        {
            foreach (var d in history.Days)
            {
                var bucket = Bucket(d.Day);
                bucket.Runs += d.Runs;
                bucket.Faults += d.EquipmentFaults;
            }

            _undatedRuns += history.UndatedRuns;
            _undatedFaults += history.UndatedFaults;
            _downtime.InsertRange(0, history.Downtime);
            _rescues.InsertRange(0, history.Rescues);
            if (history.OpenDowntime is { } od)
            {
                // The persisted episode is older than anything seen since the start: it wins.
                _openDowntime = new Open(null, od.Start, od.Cause);
            }

            if (history.OpenRescue is { } or)
            {
                var current = _openRescue;
                _openRescue = new Open(null, or.Start, or.Cause) { ArrivalWall = or.Arrival, ArrivedBy = or.ArrivedBy };
                if (or.ArrivedBy == RescueArrival.None && current is { ArrivedBy: not RescueArrival.None })
                {
                    // The rescuer arrived after the restart, before the history was loaded.
                    _openRescue.ArrivalWall = current.ArrivalWall;
                    _openRescue.ArrivedBy = current.ArrivedBy;
                }
            }

            _lastReportedDay ??= history.LastReportedDay;
            Trim(_downtime);
            Trim(_rescues);
            _version++;
        }
    }

    private void OnEntrapment(in LiftEvent liftEvent)
    {
        var t = liftEvent.TimeMicros;
        var wall = _wall.ToWall(t);
        lock (_lock)
        {
            if (liftEvent.Phase == EventPhase.Raised)
            {
                _openRescue ??= new Open(t, wall, EventType.Entrapment);
            }
            else if (liftEvent.Phase == EventPhase.Cleared && _openRescue is { } open)
            {
                double? arrival = open.ArrivedBy == RescueArrival.None ? null
                    : Seconds(open.StartMicros, open.StartWall, open.ArrivalMicros, open.ArrivalWall);
                _rescues.Add(new RescueEpisode(open.StartWall, wall, arrival, Seconds(open.StartMicros, open.StartWall, t, wall), open.ArrivedBy));
                _openRescue = null;
                Trim(_rescues);
            }

            _version++;
        }
    }

    private bool MarkArrival(long timeMicros, RescueArrival how)
    {
        var wall = _wall.ToWall(timeMicros);
        lock (_lock)
        {
            if (_openRescue is not { ArrivedBy: RescueArrival.None } open)
            {
                return false;
            }

            open.ArrivalMicros = timeMicros;
            open.ArrivalWall = wall;
            open.ArrivedBy = how;
            _version++;
            return true;
        }
    }

    private static double? Seconds(long? startMicros, DateTimeOffset? startWall, long? endMicros, DateTimeOffset? endWall)
    {
        if (startMicros is { } s && endMicros is { } e)
        {
            return (e - s) / 1_000_000.0;
        }

        if (startWall is { } sw && endWall is { } ew)
        {
            return (ew - sw).TotalSeconds;
        }

        return null;
    }

    private bool InWindow(DateTimeOffset? end, DateOnly from, DateOnly to)
    {
        // An episode that ended while the clock was unsynchronised is recent by nature (no clock yet since boot).
        if (end is not { } e)
        {
            return true;
        }

        var day = LocalDay(e);
        return day >= from && day <= to;
    }

    private static OpenEpisode? ToOpen(Open? open) =>
        open is null ? null : new OpenEpisode(open.StartWall, open.Cause, open.ArrivalWall, open.ArrivedBy);

    private DateOnly? DayOf(DateTimeOffset? wall) => wall is { } w ? LocalDay(w) : null;

    private DayCounts Bucket(DateOnly day)
    {
        if (!_days.TryGetValue(day, out var counts))
        {
            counts = new DayCounts();
            _days.Add(day, counts);
        }

        return counts;
    }

    private void Prune()
    {
        if (_days.Count == 0)
        {
            return;
        }

        var latest = _days.Keys.Max();
        var from = latest.AddDays(1 - _options.WindowDays);
        List<DateOnly>? old = null;
        foreach (var d in _days.Keys)
        {
            if (d < from)
            {
                (old ??= []).Add(d);
            }
        }

        if (old is not null)
        {
            foreach (var d in old)
            {
                _days.Remove(d);
            }
        }

        _downtime.RemoveAll(e => e.End is { } end && LocalDay(end) < from);
        _rescues.RemoveAll(e => e.End is { } end && LocalDay(end) < from);
    }

    private void Trim<T>(List<T> episodes)
    {
        var excess = episodes.Count - _options.MaxEpisodes;
        if (excess > 0)
        {
            episodes.RemoveRange(0, excess);
        }
    }

    private sealed class DayCounts
    {
        public long Runs;
        public long Faults;
    }

    private sealed class Open(long? startMicros, DateTimeOffset? startWall, EventType cause)
    {
        public long? StartMicros { get; } = startMicros;
        public DateTimeOffset? StartWall { get; } = startWall;
        public EventType Cause { get; } = cause;
        public long? ArrivalMicros { get; set; }
        public DateTimeOffset? ArrivalWall { get; set; }
        public RescueArrival ArrivedBy { get; set; }
    }
}
