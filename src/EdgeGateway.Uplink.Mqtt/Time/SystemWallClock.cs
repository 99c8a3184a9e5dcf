using System.Runtime.InteropServices;
using EdgeGateway.Core.Time;

namespace EdgeGateway.Uplink.Mqtt.Time;

/// <summary>
/// The wall clock plus an honest answer to "is it synchronised yet?". Boxes without an RTC boot in 1970 (or at the
/// last fake-hwclock save) and step when NTP syncs, so records taken before that are marked and corrected later.
/// The answer is cached for <see cref="RecheckInterval"/>: it is read per record, and the check does file-system
/// and syscall work (never a process spawn).
/// </summary>
public sealed class SystemWallClock : IWallClock
{
    /// <summary>Before this the clock cannot be right: the product did not exist (and it rules out 1970 boots).</summary>
    public static readonly DateTimeOffset EarliestPlausible = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>systemd-timesyncd creates this file once it has synchronised the clock (systemd-timesyncd.service(8)).</summary>
    public const string TimesyncFlagFile = "/run/systemd/timesync/synchronized";

    private static readonly TimeSpan RecheckInterval = TimeSpan.FromSeconds(10);

    private readonly TimeProvider _time;
    private readonly ClockSyncSource _source;
    private readonly Func<bool?> _kernelSynchronized;
    private readonly string _flagFile;
    private readonly Lock _gate = new();
    private long _checkedAtTimestamp;
    private bool _cached;
    private bool _everChecked;

    public SystemWallClock(ClockSyncSource source = ClockSyncSource.Auto, TimeProvider? time = null)
        : this(source, time ?? TimeProvider.System, TimesyncFlagFile, KernelClock.IsSynchronized)
    {
    }

    /// <summary>For tests: the flag file path and the kernel query are injectable.</summary>
    internal SystemWallClock(ClockSyncSource source, TimeProvider time, string flagFile, Func<bool?> kernelSynchronized)
    {
        _source = source;
        _time = time;
        _flagFile = flagFile;
        _kernelSynchronized = kernelSynchronized;
    }

    public DateTimeOffset UtcNow => _time.GetUtcNow();

    public bool IsSynchronized
    {
        get
        {
            if (_source == ClockSyncSource.AssumeUnsynchronized || UtcNow < EarliestPlausible)
            {
                return false;
            }

            if (_source == ClockSyncSource.AssumeSynchronized)
            {
                return true;
            }

            lock (_gate)
            {
                var now = _time.GetTimestamp();
                if (!_everChecked || _time.GetElapsedTime(_checkedAtTimestamp, now) >= RecheckInterval)
                {
                    _cached = Probe();
                    _checkedAtTimestamp = now;
                    _everChecked = true;
                }

                return _cached;
            }
        }
    }

    private bool Probe()
    {
        if (File.Exists(_flagFile))
        {
            return true;
        }

        // Not every box runs timesyncd (chrony, ntpd, busybox ntpd): the kernel's NTP state is the common denominator.
        return _kernelSynchronized() ?? false;
    }
}

/// <summary>The kernel's view: adjtimex(2) with modes = 0 only reads, and returns TIME_ERROR while STA_UNSYNC is set.</summary>
internal static partial class KernelClock
{
    /// <summary>adjtimex(2) return value: "the system clock is not synchronized to a reliable server".</summary>
    private const int TimeError = 5;

    /// <summary>sizeof(struct timex) is 208 bytes on 64-bit glibc; a larger zeroed buffer keeps modes = 0 on any ABI.</summary>
    private const int TimexBufferBytes = 512;

    public static bool? IsSynchronized()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        try
        {
            Span<byte> timex = stackalloc byte[TimexBufferBytes];
            timex.Clear();
            int state;
            unsafe
            {
                fixed (byte* p = timex)
                {
                    state = AdjTimex(p);
                }
            }

            return state < 0 ? null : state != TimeError;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    [LibraryImport("libc", EntryPoint = "adjtimex", SetLastError = true)]
    private static unsafe partial int AdjTimex(byte* timex);
}
