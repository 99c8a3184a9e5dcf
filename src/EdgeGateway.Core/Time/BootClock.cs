namespace EdgeGateway.Core.Time;

/// <summary>
/// Monotonic time since the machine booted (Linux CLOCK_MONOTONIC, which <see cref="TimeProvider.System"/> timestamps use)
/// and the id of that boot. Records that leave the process (outbox messages) carry both, so a record taken before the wall
/// clock was synchronised can still be given its true wall time after a service restart in the same boot:
/// wall = now_wall − (now_boot_micros − record_boot_micros). Across a reboot the monotonic origin is lost, and such a
/// record keeps its "not synchronised" mark.
/// </summary>
public sealed class BootClock
{
    private const string BootIdPath = "/proc/sys/kernel/random/boot_id";
    private readonly TimeProvider _time;

    public BootClock(TimeProvider time, Guid bootId)
    {
        _time = time;
        BootId = bootId;
    }

    /// <summary>The system clock with the kernel's boot id (or a fresh id per process where the kernel gives none).</summary>
    public static BootClock System { get; } = new(TimeProvider.System, ReadBootId());

    public Guid BootId { get; }

    public long NowMicros
    {
        get
        {
            var ticks = _time.GetTimestamp();
            var frequency = _time.TimestampFrequency;
            return frequency == 1_000_000 ? ticks : (long)(ticks * (1_000_000.0 / frequency));
        }
    }

    private static Guid ReadBootId()
    {
        try
        {
            if (File.Exists(BootIdPath) && Guid.TryParse(File.ReadAllText(BootIdPath).Trim(), out var id))
            {
                return id;
            }
        }
        catch (IOException)
        {
            // Not Linux or /proc not mounted: fall through to a per-process id, which is merely more conservative.
        }
        catch (UnauthorizedAccessException)
        {
        }

        return Guid.NewGuid();
    }
}
