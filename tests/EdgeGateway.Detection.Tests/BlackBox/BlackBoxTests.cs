using EdgeGateway.Core.Events;
using EdgeGateway.Core.Signals;
using EdgeGateway.Detection.BlackBox;
using EdgeGateway.Detection.Tests.Trips;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Detection.Tests.BlackBox;

public sealed class BlackBoxTests
{
    private const long S = 1_000_000;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Captures_30_s_before_and_after_an_event_as_a_trace_that_replays_exactly(bool historyFirst)
    {
        using var rig = new BlackBoxRig(historyFirst);
        rig.Run(0, 100_000, t =>
        {
            if (t == 50 * S)
            {
                rig.Event(t, EventType.Entrapment);
            }
        });
        Assert.Equal(1, rig.Service.DrainQueue());

        var capture = Assert.Single(rig.Sink.Captures);
        Assert.Equal(EventType.Entrapment, Assert.Single(capture.Events).Type);
        Assert.True(File.Exists(capture.FilePath));
        Assert.Equal(new FileInfo(capture.FilePath).Length, capture.SizeBytes);
        Assert.Equal(Path.Combine(rig.Service.Directory, $"bb-{capture.WallStart:yyyyMMdd'T'HHmmss'Z'}-entrapment.trace.jsonl"), capture.FilePath);

        // Starts at the newest keyframe at or before 20 s (keyframes are about 1 s apart), ends at 80 s.
        Assert.InRange(capture.StartMicros, 19 * S, 20 * S);
        Assert.Equal(80 * S, capture.EndMicros);
        Assert.Equal(BlackBoxRig.Start.AddTicks(capture.StartMicros * 10), capture.WallStart);

        var (header, samples) = rig.Read(capture.FilePath);
        Assert.Equal(BlackBoxRig.Profile.LiftId, header.LiftId);
        Assert.Equal(-1, header.LowestFloor);
        Assert.Equal(12, header.HighestFloor);
        Assert.Equal(1750, header.RatedSpeedMmS);
        Assert.Equal(200, header.AccelHz);
        Assert.Equal(capture.WallStart, header.Start);

        // Line 2 sets every signal the lift had at the capture's start, at t = 0.
        var first = samples[0];
        Assert.Equal(0, first.TimeMicros);
        Assert.Equal(SignalMask.AllDiscrete, first.Set & SignalMask.AllDiscrete);

        // The rest are exactly the samples fed in after the start state, shifted to the capture's start.
        var expected = Expected(rig, capture);
        var actual = samples.Skip(1).ToList();
        Assert.Equal(expected.Count, actual.Count);
        Assert.Equal(capture.SampleCount, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            AssertSameSample(expected[i], actual[i], capture.StartMicros);
        }

        // Replaying the capture gives the lift's state at the end of it.
        var replayed = default(LiftState);
        foreach (var s in samples)
        {
            replayed.Apply(s);
        }

        var original = default(LiftState);
        foreach (var s in rig.Fed.Take(rig.Fed.FindIndex(s => s.TimeMicros >= capture.EndMicros) + 1))
        {
            original.Apply(s);
        }

        Assert.Equal(original.Floor, replayed.Floor);
        Assert.Equal(original.SpeedMmS, replayed.SpeedMmS);
        Assert.Equal(original.Door, replayed.Door);
        Assert.Equal(original.AccZ, replayed.AccZ, 3);
    }

    /// <summary>
    /// Found when a loaded CI machine paused a live test's samples: the keyframe due at 1 s came at 1.2 s, so the capture
    /// began at the one before (0 s), and with MaxCaptureSeconds = Pre + Post that lead-in cut off the post-event part.
    /// The maximum length counts from the promised window's start.
    /// </summary>
    [Fact]
    public void The_keyframe_lead_in_does_not_cut_the_post_event_window_short()
    {
        using var rig = new BlackBoxRig(options: new BlackBoxOptions { PreEventSeconds = 0.5, PostEventSeconds = 0.5, MaxCaptureSeconds = 1 });
        rig.Run(0, 990);
        rig.Run(1_200, 3_000, t =>
        {
            if (t == 1_600_000)
            {
                rig.Event(t, EventType.AlarmButton);
            }
        });
        rig.Service.DrainQueue();

        var capture = Assert.Single(rig.Sink.Captures);
        Assert.Equal(0, capture.StartMicros);
        Assert.Equal(2_100_000, capture.EndMicros);
    }

    [Fact]
    public void Events_during_a_capture_extend_it_instead_of_copying_another_minute()
    {
        using var rig = new BlackBoxRig();
        rig.Run(0, 150_000, t =>
        {
            if (t == 50 * S)
            {
                rig.Event(t, EventType.OverrunTop);
            }
            else if (t == 52 * S)
            {
                rig.Event(t, EventType.StoppedOutsideDoorZone);
            }
            else if (t == 60 * S)
            {
                rig.Event(t, EventType.EmergencyStop, EventPhase.Instant);
            }
            else if (t == 61 * S)
            {
                rig.Event(t, EventType.StoppedOutsideDoorZone, EventPhase.Cleared); // not captured
                rig.Event(t, EventType.LinkLost); // grade 3: not captured
            }
        });
        rig.Service.DrainQueue();

        var capture = Assert.Single(rig.Sink.Captures);
        Assert.Equal([EventType.OverrunTop, EventType.StoppedOutsideDoorZone, EventType.EmergencyStop], capture.Events.Select(e => e.Type));
        Assert.InRange(capture.StartMicros, 19 * S, 20 * S);
        Assert.Equal(90 * S, capture.EndMicros);
    }

    [Fact]
    public void A_capture_that_follows_closely_starts_where_the_previous_one_ended()
    {
        using var rig = new BlackBoxRig();
        rig.Run(0, 200_000, t =>
        {
            if (t == 50 * S || t == 100 * S)
            {
                rig.Event(t, EventType.DoorOpenWhileRunning);
            }
        });
        rig.Service.DrainQueue();

        Assert.Equal(2, rig.Sink.Captures.Count);
        var (a, b) = (rig.Sink.Captures[0], rig.Sink.Captures[1]);
        Assert.Equal(80 * S, a.EndMicros);
        // Wanted from 70 s, but 70–80 s is in the first capture already.
        Assert.Equal(80 * S, b.StartMicros);
        Assert.Equal(130 * S, b.EndMicros);

        var expected = Expected(rig, a).Concat(Expected(rig, b)).Select(s => s.TimeMicros).ToList();
        Assert.Equal(expected, Times(rig, a).Concat(Times(rig, b))); // contiguous, nothing twice
        var fed = rig.Fed.FindIndex(s => s.TimeMicros >= a.StartMicros);
        Assert.Equal(rig.Fed.Skip(fed + 1).Take(expected.Count).Select(s => s.TimeMicros), expected);
    }

    [Fact]
    public void An_event_from_a_timer_between_samples_is_captured_too()
    {
        using var rig = new BlackBoxRig();
        rig.Run(0, 40_000);
        rig.Event(40 * S, EventType.PowerLoss);
        rig.AdvanceTo(40 * S);
        rig.Run(40_000, 60_000);
        rig.AdvanceTo(75 * S); // samples stopped: the clock closes the capture
        rig.Service.DrainQueue();
        var capture = Assert.Single(rig.Sink.Captures);
        Assert.Equal(75 * S, capture.EndMicros);
        Assert.Equal(Expected(rig, capture).Select(s => s.TimeMicros), Times(rig, capture));
    }

    [Fact]
    public void The_clock_closes_a_capture_only_after_a_grace_for_late_samples()
    {
        using var rig = new BlackBoxRig(options: new BlackBoxOptions { PreEventSeconds = 1, PostEventSeconds = 1, MaxCaptureSeconds = 5 });
        rig.Run(0, 5_000);
        rig.Event(5 * S, EventType.PowerLoss);
        rig.AdvanceTo(5 * S);
        rig.AdvanceTo(6_500_000); // past the end (6 s), within the grace
        Assert.True(rig.Service.Recorder.Recording);
        rig.Feed(LiftSample.Acceleration(5_999_000, 0, 0, 9.81f)); // stamped before the end, delivered late
        rig.AdvanceTo(7 * S);
        Assert.False(rig.Service.Recorder.Recording);
        rig.Service.DrainQueue();
        var samples = rig.Read(Assert.Single(rig.Sink.Captures).FilePath).Samples;
        Assert.Equal(5_999_000 - rig.Sink.Captures[0].StartMicros, samples[^1].TimeMicros);
    }

    [Fact]
    public void A_sample_that_arrives_out_of_order_is_written_at_the_time_already_reached()
    {
        using var rig = new BlackBoxRig(options: new BlackBoxOptions { PreEventSeconds = 1, PostEventSeconds = 1, MaxCaptureSeconds = 5 });
        rig.Run(0, 5_000, t =>
        {
            if (t == 4 * S)
            {
                rig.Event(t, EventType.Overspeed);
            }
        });
        rig.Feed(LiftSample.Input(4_990_000, SignalMask.Occupied, true)); // an input stamped 5 ms behind the accelerometer
        rig.Run(5_000, 7_000);
        rig.Service.DrainQueue();
        var capture = Assert.Single(rig.Sink.Captures);
        var samples = rig.Read(capture.FilePath).Samples; // TraceReader rejects decreasing t
        var late = Assert.Single(samples, s => s.Set == SignalMask.Occupied);
        Assert.Equal(4_995_000 - capture.StartMicros, late.TimeMicros);
    }

    [Fact]
    public void Pending_captures_are_bounded_and_a_dropped_one_is_logged()
    {
        using var rig = new BlackBoxRig(options: new BlackBoxOptions { MaxPendingCaptures = 1 });
        rig.Run(0, 200_000, t =>
        {
            if (t == 50 * S || t == 150 * S)
            {
                rig.Event(t, t == 50 * S ? EventType.Overspeed : EventType.UnintendedMovement);
            }
        });
        Assert.Equal(1, rig.Service.Recorder.DroppedCaptures);
        Assert.Equal(1, rig.Service.Pending);
        Assert.Equal(1, rig.Service.DrainQueue());
        Assert.Equal(0, rig.Service.Pending);
        Assert.Equal(EventType.Overspeed, Assert.Single(Assert.Single(rig.Sink.Captures).Events).Type);
        Assert.Contains(rig.Logs.Lines, l => l.Level == LogLevel.Warning && l.Message.Contains("unintended_movement") && l.Message.Contains("dropped"));
    }

    [Fact]
    public void Disk_use_is_capped_by_deleting_the_oldest_captures()
    {
        using var rig = new BlackBoxRig(options: new BlackBoxOptions { MaxFiles = 2, PreEventSeconds = 2, PostEventSeconds = 2, MaxCaptureSeconds = 10 });
        rig.Run(0, 100_000, t =>
        {
            if (t % (20 * S) == 10 * S)
            {
                rig.Event(t, EventType.AlarmButton, EventPhase.Instant);
            }

            rig.Service.DrainQueue();
        });

        Assert.Equal(5, rig.Sink.Captures.Count);
        var left = rig.Service.ExistingCaptures().Select(f => f.FullName).ToList();
        Assert.Equal(rig.Sink.Captures.Skip(3).Select(c => c.FilePath), left);
        Assert.Equal(3, rig.Logs.Lines.Count(l => l.Level == LogLevel.Warning && l.Message.Contains("deleted")));
    }

    [Fact]
    public void Without_a_synchronised_clock_the_header_start_is_null()
    {
        using var rig = new BlackBoxRig(synchronised: false);
        rig.Run(0, 45_000, t =>
        {
            if (t == 10 * S)
            {
                rig.Event(t, EventType.Entrapment);
            }
        });
        rig.Service.DrainQueue();
        var capture = Assert.Single(rig.Sink.Captures);
        Assert.Null(capture.WallStart);
        Assert.Null(rig.Read(capture.FilePath).Header.Start);
        Assert.Contains("bb-m", capture.FilePath);
    }

    [Fact]
    public void A_history_shorter_than_the_pre_event_window_starts_the_capture_with_what_is_held()
    {
        // 4096 samples ≈ 19.5 s of this stream.
        using var rig = new BlackBoxRig(ringCapacity: 4096);
        rig.Run(0, 85_000, t =>
        {
            if (t == 50 * S)
            {
                rig.Event(t, EventType.Entrapment);
            }
        });
        rig.Service.DrainQueue();
        var capture = Assert.Single(rig.Sink.Captures);
        Assert.InRange(capture.StartMicros, 30 * S, 32 * S);
        Assert.Contains(rig.Logs.Lines, l => l.Message.Contains("starts late"));
        Assert.Equal(Expected(rig, capture).Select(s => s.TimeMicros), Times(rig, capture));
    }

    [Fact]
    public void Right_after_start_up_the_capture_begins_with_the_current_state()
    {
        using var rig = new BlackBoxRig();
        rig.Feed(SyntheticLift.Rest(0, 4));
        rig.Event(0, EventType.SafetyCircuitOpen);
        rig.Run(5, 40_000);
        rig.Service.DrainQueue();
        var capture = Assert.Single(rig.Sink.Captures);
        Assert.Equal(0, capture.StartMicros);
        var samples = rig.Read(capture.FilePath).Samples;
        Assert.Equal(4, samples[0].Floor);
        Assert.Equal(Expected(rig, capture).Select(s => s.TimeMicros), Times(rig, capture));
    }

    [Fact]
    public void A_write_failure_is_logged_and_later_captures_still_work()
    {
        using var rig = new BlackBoxRig(options: new BlackBoxOptions { PreEventSeconds = 1, PostEventSeconds = 1, MaxCaptureSeconds = 5 });
        // The capture folder is a file: the write fails.
        File.WriteAllText(rig.Service.Directory, "in the way");
        rig.Run(0, 10_000, t =>
        {
            if (t == 5 * S)
            {
                rig.Event(t, EventType.Overspeed);
            }
        });
        Assert.Equal(0, rig.Service.DrainQueue());
        Assert.Equal(1, rig.Service.CapturesFailed);
        Assert.Contains(rig.Logs.Lines, l => l.Level == LogLevel.Error && l.Message.Contains(rig.Service.Directory));

        File.Delete(rig.Service.Directory);
        rig.Run(10_000, 20_000, t =>
        {
            if (t == 15 * S)
            {
                rig.Event(t, EventType.Overspeed);
            }
        });
        Assert.Equal(1, rig.Service.DrainQueue());
        Assert.Equal(0, rig.Service.Pending);
    }

    [Fact]
    public void Recording_allocates_nothing_per_sample_in_steady_state()
    {
        using var rig = new BlackBoxRig();
        rig.Run(0, 100_000, t =>
        {
            if (t == 40 * S)
            {
                rig.Event(t, EventType.Overspeed);
            }
        });
        rig.Service.DrainQueue(); // warm: one capture recorded, written, its buffer back in the pool

        var samples = new List<LiftSample>();
        for (var ms = 100_000L; ms < 200_000; ms += 5)
        {
            samples.Add(LiftSample.Acceleration(ms * 1000, 0.01f, 0.02f, 9.81f));
        }

        var array = samples.ToArray();
        var trigger = new LiftEvent(130 * S, EventType.Overspeed, EventPhase.Raised, 1, EventDetail.None);
        var recorder = rig.Service.Recorder;
        var before = GC.GetAllocatedBytesForCurrentThread();
        var state = rig.State;
        for (var i = 0; i < array.Length; i++)
        {
            if (array[i].TimeMicros == trigger.TimeMicros)
            {
                recorder.OnEvent(trigger);
            }

            rig.Ring.Write(array[i]);
            var changed = state.Apply(array[i]);
            recorder.OnSample(array[i], state, changed);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.False(recorder.Recording);
        Assert.Equal(1, rig.Service.DrainQueue());
        // Idle and recording samples: none. The one capture's hand-off to the writer (a channel node) is the only allocation.
        Assert.InRange(allocated, 0, 1024);
    }

    [Fact]
    public void Options_validator_reports_every_bad_key()
    {
        var result = new BlackBoxOptionsValidator().Validate(null, new BlackBoxOptions
        {
            PreEventSeconds = -1,
            PostEventSeconds = 700,
            MaxPendingCaptures = 0,
            MaxFiles = 0,
            MaxTotalBytes = 1,
            DirectoryName = "../up",
        });
        foreach (var key in new[] { "PreEventSeconds", "PostEventSeconds", "MaxCaptureSeconds", "MaxPendingCaptures", "MaxFiles", "MaxTotalBytes", "DirectoryName" })
        {
            Assert.Contains("Detection:BlackBox:" + key, result.FailureMessage);
        }
    }

    /// <summary>
    /// What a capture must hold: the samples after the one its start state was taken at (the first at or after its
    /// start), up to and including the first at or after its end.
    /// </summary>
    private static List<LiftSample> Expected(BlackBoxRig rig, BlackBoxCapture capture)
    {
        var first = rig.Fed.FindIndex(s => s.TimeMicros >= capture.StartMicros);
        var last = rig.Fed.FindIndex(s => s.TimeMicros >= capture.EndMicros);
        if (last < 0)
        {
            last = rig.Fed.Count - 1;
        }

        return rig.Fed.GetRange(first + 1, last - first);
    }

    private static IEnumerable<long> Times(BlackBoxRig rig, BlackBoxCapture capture) =>
        rig.Read(capture.FilePath).Samples.Skip(1).Select(s => s.TimeMicros + capture.StartMicros);

    private static void AssertSameSample(in LiftSample expected, in LiftSample actual, long startMicros)
    {
        Assert.Equal(expected.TimeMicros - startMicros, actual.TimeMicros);
        Assert.Equal(expected.Set, actual.Set);
        if (expected.Set == SignalMask.Acc)
        {
            Assert.Equal(expected.AccX, actual.AccX, 3);
            Assert.Equal(expected.AccY, actual.AccY, 3);
            Assert.Equal(expected.AccZ, actual.AccZ, 3);
            return;
        }

        Assert.Equal(expected with { TimeMicros = 0 }, actual with { TimeMicros = 0 });
    }
}
