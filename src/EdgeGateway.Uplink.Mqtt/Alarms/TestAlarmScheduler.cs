using System.Globalization;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Time;

namespace EdgeGateway.Uplink.Mqtt.Alarms;

/// <summary>
/// EN 81-28 asks for a test alarm at least every 3 days over the same path as real alarms. The last time one was
/// queued is persisted (wall-clock Unix ms in a small file in the state directory) so restarts do not reset the
/// period. While the wall clock is untrusted, the uptime since the last one (or since start) decides instead.
/// </summary>
public sealed class TestAlarmScheduler
{
    public const string StateFileName = "uplink-test-alarm.txt";

    private readonly TimeSpan _interval;
    private readonly string _stateFile;
    private readonly IWallClock _wall;
    private readonly MonotonicClock _monotonic;
    private long? _lastSentWallMillis;
    private long _lastSentMonotonicMicros;
    private bool _loaded;

    public TestAlarmScheduler(TimeSpan interval, string stateDirectory, IWallClock wall, MonotonicClock monotonic)
    {
        _interval = interval;
        _stateFile = Path.Combine(stateDirectory, StateFileName);
        _wall = wall;
        _monotonic = monotonic;
        _lastSentMonotonicMicros = monotonic.NowMicros;
    }

    public string StateFile => _stateFile;

    public bool Enabled => _interval > TimeSpan.Zero;

    /// <summary>The test alarm's event: instant, no floor.</summary>
    public LiftEvent CreateEvent() => new(_monotonic.NowMicros, EventType.TestAlarm, EventPhase.Instant, null, EventDetail.None);

    /// <summary>True when a test alarm is due now. A box that never sent one (no state file) is due at once.</summary>
    public bool IsDue()
    {
        if (!Enabled)
        {
            return false;
        }

        Load();
        if (_lastSentWallMillis is null)
        {
            return true;
        }

        var sinceByMonotonic = TimeSpan.FromMicroseconds(_monotonic.NowMicros - _lastSentMonotonicMicros);
        if (sinceByMonotonic >= _interval)
        {
            return true;
        }

        return _wall.IsSynchronized
            && _wall.UtcNow.ToUnixTimeMilliseconds() - _lastSentWallMillis.Value >= (long)_interval.TotalMilliseconds;
    }

    /// <summary>How long until the next one is due (for the drain loop's wake-up), at most the interval.</summary>
    public TimeSpan DueIn()
    {
        if (!Enabled)
        {
            return Timeout.InfiniteTimeSpan;
        }

        Load();
        if (_lastSentWallMillis is null)
        {
            return TimeSpan.Zero;
        }

        var byMonotonic = _interval - TimeSpan.FromMicroseconds(_monotonic.NowMicros - _lastSentMonotonicMicros);
        if (_wall.IsSynchronized)
        {
            var byWall = _interval - TimeSpan.FromMilliseconds(_wall.UtcNow.ToUnixTimeMilliseconds() - _lastSentWallMillis.Value);
            byMonotonic = byWall < byMonotonic ? byWall : byMonotonic;
        }

        return byMonotonic < TimeSpan.Zero ? TimeSpan.Zero : byMonotonic;
    }

    /// <summary>Records that a test alarm was durably queued; persisted with write-to-temp, fsync, rename.</summary>
    public void MarkSent()
    {
        _lastSentMonotonicMicros = _monotonic.NowMicros;
        _lastSentWallMillis = _wall.UtcNow.ToUnixTimeMilliseconds();
        _loaded = true;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(_stateFile))!);
        var temp = _stateFile + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(_lastSentWallMillis.Value.ToString(CultureInfo.InvariantCulture));
            writer.Flush();
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, _stateFile, overwrite: true);
    }

    private void Load()
    {
        if (_loaded)
        {
            return;
        }

        _loaded = true;
        if (!File.Exists(_stateFile))
        {
            return;
        }

        // An unreadable state file is treated as "never sent": the worst case is one early test alarm.
        var text = File.ReadAllText(_stateFile).Trim();
        if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var millis))
        {
            _lastSentWallMillis = millis;
        }
    }
}
