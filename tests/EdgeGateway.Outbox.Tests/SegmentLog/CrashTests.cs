using System.Collections.Concurrent;
using System.Diagnostics;
using EdgeGateway.Outbox.SegmentLog;
using EdgeGateway.Testing.Files;

namespace EdgeGateway.Outbox.Tests.SegmentLog;

/// <summary>
/// kill -9 for real: a child process appends (and in alternate rounds drains) and prints every id once EnqueueAsync or
/// RemoveAsync returned; the test SIGKILLs it at a random point, reopens the store and checks that every message the child
/// was told is durable is there exactly once, in order per stream, and that nothing it removed came back.
/// </summary>
public sealed class CrashTests : IDisposable
{
    private const int Rounds = 24;
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Every_message_acknowledged_as_durable_survives_SIGKILL_exactly_once_and_in_order()
    {
        var random = new Random(20261123);
        var accepted = new Dictionary<long, (string Stream, int Seq)>();
        var removed = new HashSet<long>();
        var removing = new HashSet<long>();
        long highestSeen = 0;
        var killedWhileDraining = 0;
        for (var round = 0; round < Rounds; round++)
        {
            var drain = round % 2 == 1;
            var killAfterLines = random.Next(20, 1500);
            var lines = await RunChildUntilKilledAsync(_directory.Path, drain ? "drain" : "enqueue", producers: 1 + (round % 4), killAfterLines);

            var roundIds = new List<long>();
            foreach (var line in lines)
            {
                var parts = line.Split(' ');
                if (parts is ["E", var id, var stream, var seq, "."])
                {
                    var value = long.Parse(id);
                    accepted.Add(value, (stream, int.Parse(seq)));
                    roundIds.Add(value);
                }
                else if (parts is ["D", var doubtfulId, "."])
                {
                    removing.Add(long.Parse(doubtfulId));
                }
                else if (parts is ["R", var removedId, "."])
                {
                    removed.Add(long.Parse(removedId));
                    killedWhileDraining += drain ? 1 : 0;
                }
            }

            Assert.True(roundIds.Count > 0, $"round {round}: the child accepted nothing before it was killed");
            Assert.True(roundIds.Min() > highestSeen, $"round {round}: id {roundIds.Min()} reused after restart (highest before: {highestSeen})");

            await using var outbox = await SegmentLogOutbox.OpenAsync(new OutboxOptions
            {
                DataDirectory = _directory.Path, SegmentBytes = 64 * 1024, MaxBytes = 64L * 1024 * 1024, MaxBatchBytes = 64 * 1024, MaxPayloadBytes = 4096,
            });
            var pending = await outbox.ReadAsync(0, 1_000_000);
            var pendingIds = pending.Select(m => m.Id).ToArray();
            Assert.Equal(pendingIds.Length, pendingIds.Distinct().Count());
            Assert.Equal(pendingIds.Order(), pendingIds);
            var present = pendingIds.ToHashSet();
            foreach (var (id, _) in accepted)
            {
                if (!removing.Contains(id))
                {
                    Assert.True(present.Contains(id), $"round {round}: message {id} was acknowledged as durable but is gone");
                }
            }

            Assert.DoesNotContain(pendingIds, removed.Contains);
            foreach (var message in pending)
            {
                var parts = message.Text().Split('|');
                Assert.Equal(message.Stream, parts[0]);
                if (accepted.TryGetValue(message.Id, out var expected))
                {
                    Assert.Equal(expected, (parts[0], int.Parse(parts[1])));
                }
            }

            foreach (var stream in pending.GroupBy(m => m.Stream))
            {
                var sequence = stream.Select(m => int.Parse(m.Text().Split('|')[1])).ToArray();
                Assert.Equal(sequence.Order(), sequence);
                Assert.Equal(sequence.Length, sequence.Distinct().Count());
            }

            highestSeen = Math.Max(roundIds.Max(), outbox.GetStatistics().LastId);
            Assert.Equal(0, outbox.GetStatistics().QuarantinedFiles);
        }

        Assert.True(killedWhileDraining > 0, "no round removed anything before the kill");
        Assert.True(removed.Count > 0);
    }

    private static async Task<IReadOnlyList<string>> RunChildUntilKilledAsync(string directory, string mode, int producers, int killAfterLines)
    {
        var child = Path.Combine(AppContext.BaseDirectory, "EdgeGateway.Outbox.CrashChild.dll");
        Assert.True(File.Exists(child), $"crash child not built at {child}");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(child);
        start.ArgumentList.Add(directory);
        start.ArgumentList.Add(mode);
        start.ArgumentList.Add(producers.ToString(System.Globalization.CultureInfo.InvariantCulture));

        var lines = new ConcurrentQueue<string>();
        var counted = 0;
        var appended = 0;
        var removed = 0;
        var enough = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var errors = new ConcurrentQueue<string>();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line && line.EndsWith(" .", StringComparison.Ordinal))
            {
                lines.Enqueue(line);
                if (line.StartsWith('E'))
                {
                    Interlocked.Increment(ref appended);
                }
                else if (line.StartsWith('R'))
                {
                    Interlocked.Increment(ref removed);
                }

                // Kill once the child both appended and (when draining) removed something this round.
                if (Interlocked.Increment(ref counted) >= killAfterLines && Volatile.Read(ref appended) > 0
                    && (mode == "enqueue" || Volatile.Read(ref removed) > 0))
                {
                    enough.TrySetResult();
                }
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                errors.Enqueue(line);
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var finished = await Task.WhenAny(enough.Task, process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(60)));
        Assert.False(process.HasExited, $"the child exited by itself: {string.Join(Environment.NewLine, errors)}");
        Assert.True(finished == enough.Task, $"the child printed only {counted} lines in 60 s: {string.Join(Environment.NewLine, errors)}");
        process.Kill(); // SIGKILL on Unix: no finally blocks, no flush, no dispose
        await process.WaitForExitAsync();
        return [.. lines];
    }
}
