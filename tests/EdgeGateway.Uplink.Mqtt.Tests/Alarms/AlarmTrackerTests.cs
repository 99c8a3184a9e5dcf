using EdgeGateway.Core.Time;
using EdgeGateway.Outbox;
using EdgeGateway.Uplink.Mqtt.Alarms;
using EdgeGateway.Uplink.Mqtt.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.Uplink.Mqtt.Tests.Alarms;

public sealed class AlarmTrackerTests
{
    private static OutboxMessage Alarm(long id) => new(id, MessageClass.Alarm, "alarms", 0, Guid.Empty, 0, true, Array.Empty<byte>());

    [Fact]
    public void Republication_backs_off_exponentially_up_to_the_cap()
    {
        var tracker = new AlarmTracker(TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(5));
        Assert.Equal([10, 20, 40, 80, 160, 300, 300], Enumerable.Range(1, 7).Select(n => (int)tracker.DelayAfter(n).TotalSeconds));
    }

    [Fact]
    public void New_alarms_are_due_at_once_then_after_the_backoff_and_never_after_the_ack()
    {
        var tracker = new AlarmTracker(TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(5));
        Assert.Equal(TrackResult.Added, tracker.Track(Alarm(3), 1_000));
        Assert.Equal(TrackResult.AlreadyTracked, tracker.Track(Alarm(3), 2_000));
        Assert.Equal(3, tracker.TakeDue(1_000).Single().Message.Id);
        tracker.MarkPublished(3, 1_000);
        Assert.Empty(tracker.TakeDue(1_000 + 9_999_999));
        Assert.Single(tracker.TakeDue(1_000 + 10_000_000));
        Assert.Equal(1_000 + 10_000_000, tracker.NextDueMicros);
        tracker.MakeAllDue(5);
        Assert.Single(tracker.TakeDue(5));
        Assert.Equal(AckResult.Acknowledged, tracker.Acknowledge(3));
        Assert.Empty(tracker.TakeDue(long.MaxValue));
        Assert.Null(tracker.NextDueMicros);
    }

    [Fact]
    public void Due_alarms_come_in_id_order()
    {
        var tracker = new AlarmTracker(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        tracker.Track(Alarm(9), 0);
        tracker.Track(Alarm(2), 0);
        tracker.Track(Alarm(5), 0);
        Assert.Equal([2L, 5L, 9L], tracker.TakeDue(0).Select(a => a.Message.Id));
    }
}

public sealed class TestAlarmSchedulerTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "edgegw-testalarm-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public void Due_at_first_start_then_every_interval_and_the_last_time_survives_a_restart()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero));
        var wall = new SettableWallClock(time, synchronized: true);
        var scheduler = new TestAlarmScheduler(TimeSpan.FromDays(3), _directory, wall, new MonotonicClock(time));
        Assert.True(scheduler.IsDue());
        scheduler.MarkSent();
        Assert.False(scheduler.IsDue());
        Assert.Equal(TimeSpan.FromDays(3), scheduler.DueIn());

        time.Advance(TimeSpan.FromDays(2));
        // A restart (new monotonic clock) two days later: the persisted wall time says one more day.
        var restarted = new TestAlarmScheduler(TimeSpan.FromDays(3), _directory, wall, new MonotonicClock(time));
        Assert.False(restarted.IsDue());
        Assert.Equal(TimeSpan.FromDays(1), restarted.DueIn());
        time.Advance(TimeSpan.FromDays(1));
        Assert.True(restarted.IsDue());
    }

    [Fact]
    public void With_an_untrusted_clock_uptime_decides()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero));
        var wall = new SettableWallClock(time, synchronized: true);
        new TestAlarmScheduler(TimeSpan.FromDays(3), _directory, wall, new MonotonicClock(time)).MarkSent();

        // Reboot into 1970 (no RTC): the wall clock cannot be compared, so the 3 days are counted from start.
        var wall1970 = new SettableWallClock(new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddMinutes(1)), synchronized: false);
        var scheduler = new TestAlarmScheduler(TimeSpan.FromDays(3), _directory, wall1970, new MonotonicClock(time));
        Assert.False(scheduler.IsDue());
        time.Advance(TimeSpan.FromDays(3));
        Assert.True(scheduler.IsDue());
    }

    [Fact]
    public void Interval_zero_disables_it()
    {
        var time = new FakeTimeProvider();
        var scheduler = new TestAlarmScheduler(TimeSpan.Zero, _directory, new SettableWallClock(time, true), new MonotonicClock(time));
        Assert.False(scheduler.IsDue());
        Assert.Equal(Timeout.InfiniteTimeSpan, scheduler.DueIn());
    }
}
