using EdgeGateway.Core.Events;
using EdgeGateway.Core.Time;
using EdgeGateway.Uplink.Mqtt.Schema;
using EdgeGateway.Uplink.Mqtt.Tests.Support;
using EdgeGateway.Uplink.Mqtt.Time;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.Uplink.Mqtt.Tests.Time;

public sealed class WallTimeCorrectionTests
{
    private static readonly Guid Boot = Guid.Parse("6f9619ff-8b86-d011-b42d-00c04fc964ff");
    private static readonly Guid OldBoot = Guid.Parse("11111111-2222-3333-4444-555555555555");

    [Fact]
    public void Synchronised_records_keep_their_wall_time()
    {
        var t = WallTimeCorrection.Correct(1_800_000_000_000, true, 5_000_000, OldBoot, Boot, 9_000_000, 1_800_000_100_000, true);
        Assert.Equal(new PublishedWallTime(1_800_000_000_000, true, false), t);
    }

    [Fact]
    public void Unsynchronised_record_of_this_boot_is_corrected_from_the_monotonic_clock_once_synced()
    {
        // Taken at monotonic 10 s with a 1970 clock; now monotonic is 70 s and the synced wall clock says T.
        var t = WallTimeCorrection.Correct(10_000, false, 10_000_000, Boot, Boot, 70_000_000, 1_800_000_000_000, true);
        Assert.Equal(new PublishedWallTime(1_800_000_000_000 - 60_000, true, true), t);
    }

    [Fact]
    public void Unsynchronised_record_stays_marked_while_the_clock_is_still_unsynchronised()
    {
        var t = WallTimeCorrection.Correct(10_000, false, 10_000_000, Boot, Boot, 70_000_000, 70_000, false);
        Assert.Equal(new PublishedWallTime(10_000, false, false), t);
    }

    [Fact]
    public void Unsynchronised_record_of_an_older_boot_cannot_be_corrected()
    {
        var t = WallTimeCorrection.Correct(10_000, false, 10_000_000, OldBoot, Boot, 70_000_000, 1_800_000_000_000, true);
        Assert.Equal(new PublishedWallTime(10_000, false, false), t);
    }

    [Fact]
    public void Record_factory_and_encoder_correct_a_pre_sync_event_end_to_end()
    {
        // A box without RTC boots in 1970: the event is stamped unsynchronised; NTP then steps the clock to 2026.
        // Two providers: FakeTimeProvider derives its timestamps from its UtcNow, and an NTP step must not move monotonic time.
        var time = new FakeTimeProvider();
        var wallTime = new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddSeconds(100));
        var wall = new SettableWallClock(wallTime, synchronized: false);
        var monotonic = new MonotonicClock(time);
        var records = new UplinkRecordFactory(monotonic, wall, Boot);
        time.Advance(TimeSpan.FromSeconds(5));
        wallTime.Advance(TimeSpan.FromSeconds(5));
        var append = records.ForEvent(new LiftEvent(monotonic.NowMicros, EventType.Entrapment, EventPhase.Raised, 3, default));
        Assert.False(append.WallSynchronized);
        Assert.Equal(105_000, append.WallUnixMillis);

        time.Advance(TimeSpan.FromSeconds(40));
        wallTime.SetUtcNow(new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero));
        wall.IsSynchronized = true;

        var message = new Outbox.OutboxMessage(7, append.Class, append.Stream, append.MonotonicMicros, append.BootId, append.WallUnixMillis,
            append.WallSynchronized, append.Payload);
        var wallNow = WallTimeCorrection.Correct(message.WallUnixMillis, message.WallSynchronized, message.MonotonicMicros, message.BootId, Boot,
            monotonic.NowMicros, wall.UtcNow.ToUnixTimeMilliseconds(), wall.IsSynchronized);
        var envelope = new EnvelopeEncoder("box", "lift", PayloadFormat.Protobuf).Stamp(message, wallNow);

        Assert.True(envelope.WallCorrected);
        Assert.True(envelope.WallSynchronized);
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero).AddSeconds(-40).ToUnixTimeMilliseconds(), envelope.WallUnixMs);
        Assert.Equal(5_000_000, envelope.MonotonicMicros);
    }
}

public sealed class SystemWallClockTests : IDisposable
{
    private readonly string _flag = Path.Combine(Path.GetTempPath(), "edgegw-timesync-" + Guid.NewGuid().ToString("N"));

    public void Dispose() => File.Delete(_flag);

    [Fact]
    public void A_clock_before_2024_is_never_synchronised_whatever_the_sources_say()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(1970, 1, 1, 0, 5, 0, TimeSpan.Zero));
        File.WriteAllText(_flag, string.Empty);
        Assert.False(new SystemWallClock(ClockSyncSource.Auto, time, _flag, () => true).IsSynchronized);
        Assert.False(new SystemWallClock(ClockSyncSource.AssumeSynchronized, time, _flag, () => true).IsSynchronized);
    }

    [Fact]
    public void The_timesyncd_flag_file_or_the_kernel_state_says_synchronised_and_the_answer_is_cached_10_s()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero));
        bool? kernel = false;
        var probes = 0;
        var clock = new SystemWallClock(ClockSyncSource.Auto, time, _flag, () => { probes++; return kernel; });
        Assert.False(clock.IsSynchronized);

        File.WriteAllText(_flag, string.Empty);
        Assert.False(clock.IsSynchronized);
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.True(clock.IsSynchronized);

        File.Delete(_flag);
        kernel = true;
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.True(clock.IsSynchronized);
        kernel = null;
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.False(clock.IsSynchronized);
        Assert.Equal(3, probes);
    }

    [Fact]
    public void Overrides_win_over_the_probes()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero));
        File.WriteAllText(_flag, string.Empty);
        Assert.False(new SystemWallClock(ClockSyncSource.AssumeUnsynchronized, time, _flag, () => true).IsSynchronized);
        Assert.True(new SystemWallClock(ClockSyncSource.AssumeSynchronized, time, "/nonexistent", () => false).IsSynchronized);
    }

    [Fact]
    public void The_kernel_probe_answers_on_linux()
    {
        // adjtimex(2) with modes = 0 is allowed unprivileged; it must give an answer (true or false), not fail.
        Assert.NotNull(KernelClock.IsSynchronized());
    }
}
