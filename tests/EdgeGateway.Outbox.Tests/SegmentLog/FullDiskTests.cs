using System.Diagnostics;
using EdgeGateway.Outbox.SegmentLog;
using EdgeGateway.Testing.Files;
using Xunit.Abstractions;

namespace EdgeGateway.Outbox.Tests.SegmentLog;

/// <summary>
/// A real full disk: a 512 KiB tmpfs mounted for the test (the test runs as root here and in CI). Where mounting is not
/// permitted the same scenario runs against a store capped small, which raises the same OutboxFullException from the cap
/// instead of ENOSPC; the output says which one ran.
/// </summary>
public sealed class FullDiskTests : IDisposable
{
    private readonly TempDirectory _mountPoint = new();
    private readonly ITestOutputHelper _output;
    private readonly bool _mounted;

    public FullDiskTests(ITestOutputHelper output)
    {
        _output = output;
        _mounted = Run("mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", _mountPoint.Path) == 0;
    }

    public void Dispose()
    {
        if (_mounted)
        {
            Run("umount", "-l", _mountPoint.Path);
        }

        _mountPoint.Dispose();
    }

    [Fact]
    public async Task A_full_disk_refuses_appends_naming_the_directory_keeps_every_accepted_alarm_and_recovers_when_space_returns()
    {
        _output.WriteLine(_mounted ? "full disk: 512 KiB tmpfs (real ENOSPC)" : "full disk: mount not permitted, simulated with a 256 KiB cap");
        var options = new OutboxOptions
        {
            DataDirectory = Path.Combine(_mountPoint.Path, "outbox"),
            SegmentBytes = 64 * 1024,
            MaxBytes = _mounted ? 256L * 1024 * 1024 : 256 * 1024,
            MaxPayloadBytes = 16 * 1024,
            MaxBatchBytes = 64 * 1024,
        };

        var alarms = new List<(long Id, byte Fill)>();
        await using (var outbox = await SegmentLogOutbox.OpenAsync(options))
        {
            OutboxFullException? full = null;
            for (var i = 0; i < 1000 && full is null; i++)
            {
                try
                {
                    var messageClass = i % 2 == 0 ? MessageClass.Alarm : MessageClass.Event;
                    var id = await outbox.EnqueueAsync(Messages.Sized(messageClass, messageClass == MessageClass.Alarm ? "alarms" : "events", 4096, (byte)i));
                    if (messageClass == MessageClass.Alarm)
                    {
                        alarms.Add((id, (byte)i));
                    }
                }
                catch (OutboxFullException exception)
                {
                    full = exception;
                }
            }

            Assert.NotNull(full);
            _output.WriteLine(full.Message);
            Assert.Contains(outbox.Directory, full.Message);
            if (_mounted)
            {
                Assert.Contains("disk is full", full.Message);
            }

            Assert.True(alarms.Count > 10);
            await AssertAlarmsAsync(outbox, alarms);
            Assert.True(outbox.GetStatistics().RejectedMessages >= 1);
        }

        // Restart on the still-full disk: the store opens and hands out what it holds.
        await using (var outbox = await SegmentLogOutbox.OpenAsync(options))
        {
            await AssertAlarmsAsync(outbox, alarms);

            // The uplink delivers everything; acknowledged segments are deleted and appends work again.
            var all = await outbox.ReadAsync(0, 10_000);
            await outbox.RemoveAsync(all.Select(m => m.Id).ToArray());
            long? accepted = null;
            for (var attempt = 0; attempt < 50 && accepted is null; attempt++)
            {
                try
                {
                    accepted = await outbox.EnqueueAsync(Messages.Make(MessageClass.Alarm, "alarms", "after the disk was freed"));
                }
                catch (OutboxFullException)
                {
                    await Task.Delay(100);
                }
            }

            Assert.NotNull(accepted);
            alarms.Clear();
        }

        await using var reopened = await SegmentLogOutbox.OpenAsync(options);
        Assert.Equal("after the disk was freed", Assert.Single(await reopened.ReadAsync(0, 10_000)).Text());
    }

    private static async Task AssertAlarmsAsync(IOutbox outbox, List<(long Id, byte Fill)> alarms)
    {
        var pending = (await outbox.ReadAsync(0, 10_000)).Where(m => m.Class == MessageClass.Alarm).ToArray();
        Assert.Equal(alarms.Select(a => a.Id), pending.Select(m => m.Id));
        for (var i = 0; i < alarms.Count; i++)
        {
            Assert.All(pending[i].Payload.ToArray(), b => Assert.Equal(alarms[i].Fill, b));
        }
    }

    private static int Run(string file, params string[] arguments)
    {
        try
        {
            var start = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start)!;
            process.WaitForExit(10_000);
            return process.HasExited ? process.ExitCode : -1;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return -1;
        }
    }
}
