using System.Text;
using EdgeGateway.Testing.Files;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.Outbox.Tests;

/// <summary>
/// The behaviour every <see cref="IOutbox"/> implementation must show. One derived class per implementation runs it
/// (after Telegraf's shared buffer suite). Stores are opened on a real directory; nothing is mocked.
/// </summary>
public abstract class OutboxContractTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    protected string DataDirectory => _directory.Path;

    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero));

    /// <summary>Opens the implementation under test on <see cref="OutboxOptions.DataDirectory"/>.</summary>
    protected abstract Task<IOutbox> OpenAsync(OutboxOptions options, TimeProvider time);

    protected OutboxOptions Options(Action<OutboxOptions>? configure = null)
    {
        var options = new OutboxOptions { DataDirectory = DataDirectory };
        configure?.Invoke(options);
        return options;
    }

    /// <summary>A small store: 256 KiB cap, 64 KiB segments, payloads up to 16 KiB.</summary>
    protected OutboxOptions SmallOptions(Action<OutboxOptions>? configure = null) => Options(o =>
    {
        o.MaxBytes = 256 * 1024;
        o.SegmentBytes = 64 * 1024;
        o.MaxPayloadBytes = 16 * 1024;
        o.MaxBatchBytes = 64 * 1024;
        configure?.Invoke(o);
    });

    protected Task<IOutbox> OpenAsync(OutboxOptions? options = null) => OpenAsync(options ?? Options(), Time);

    public void Dispose()
    {
        _directory.Dispose();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task Enqueue_returns_increasing_ids_and_read_returns_every_field()
    {
        await using var outbox = await OpenAsync();
        var bootId = Guid.NewGuid();
        var first = await outbox.EnqueueAsync(new OutboxAppend(MessageClass.Alarm, "alarms", 123_456, bootId, 1_790_000_000_123, true, "entrapment"u8.ToArray()));
        var second = await outbox.EnqueueAsync(new OutboxAppend(MessageClass.Telemetry, "telemetry", 7, bootId, 42, false, ReadOnlyMemory<byte>.Empty));

        Assert.True(first > 0);
        Assert.True(second > first);
        var messages = await outbox.ReadAsync(0, 10);
        Assert.Equal(2, messages.Count);
        var alarm = messages[0];
        Assert.Equal((first, MessageClass.Alarm, "alarms", 123_456L, bootId, 1_790_000_000_123L, true), (alarm.Id, alarm.Class, alarm.Stream, alarm.MonotonicMicros, alarm.BootId, alarm.WallUnixMillis, alarm.WallSynchronized));
        Assert.Equal("entrapment", alarm.Text());
        var telemetry = messages[1];
        Assert.Equal((second, MessageClass.Telemetry, "telemetry", 7L, bootId, 42L, false), (telemetry.Id, telemetry.Class, telemetry.Stream, telemetry.MonotonicMicros, telemetry.BootId, telemetry.WallUnixMillis, telemetry.WallSynchronized));
        Assert.Equal(0, telemetry.Payload.Length);
    }

    [Fact]
    public async Task Ids_stay_strictly_monotonic_across_reopen_even_after_everything_was_removed()
    {
        long last;
        await using (var outbox = await OpenAsync())
        {
            for (var i = 0; i < 5; i++)
            {
                await outbox.EnqueueAsync(Messages.Make(MessageClass.Event, "events", $"e{i}"));
            }

            var all = await outbox.ReadAsync(0, 100);
            last = all[^1].Id;
            await outbox.RemoveAsync(all.Select(m => m.Id).ToArray());
            Assert.Equal(last, outbox.GetStatistics().LastId);
        }

        for (var round = 0; round < 3; round++)
        {
            await using var reopened = await OpenAsync();
            Assert.Empty(await reopened.ReadAsync(0, 100));
            Assert.Equal(last, reopened.GetStatistics().LastId);
            var next = await reopened.EnqueueAsync(Messages.Make(MessageClass.Event, "events", "after reopen"));
            Assert.True(next > last, $"id {next} after reopen must exceed {last}");
            last = next;
            await reopened.RemoveAsync([next]);
        }
    }

    [Fact]
    public async Task Read_keeps_order_per_stream_and_honours_after_id_and_max()
    {
        await using var outbox = await OpenAsync();
        var ids = new List<long>();
        for (var i = 0; i < 30; i++)
        {
            var stream = (i % 3) switch { 0 => "alarms", 1 => "events", _ => "telemetry" };
            ids.Add(await outbox.EnqueueAsync(Messages.Make((MessageClass)(2 - (i % 3)), stream, $"{stream}-{i}")));
        }

        var all = await outbox.ReadAsync(0, 1000);
        Assert.Equal(ids, all.Select(m => m.Id));
        foreach (var group in all.GroupBy(m => m.Stream))
        {
            var numbers = group.Select(m => int.Parse(m.Text().Split('-')[1])).ToArray();
            Assert.Equal(numbers.Order(), numbers);
        }

        var page = await outbox.ReadAsync(ids[9], 5);
        Assert.Equal(ids.Skip(10).Take(5), page.Select(m => m.Id));
        Assert.Empty(await outbox.ReadAsync(ids[^1], 5));
    }

    [Fact]
    public async Task Remove_hides_messages_is_idempotent_and_ignores_unknown_ids()
    {
        await using var outbox = await OpenAsync();
        var a = await outbox.EnqueueAsync(Messages.Make(MessageClass.Event, "events", "a"));
        var b = await outbox.EnqueueAsync(Messages.Make(MessageClass.Event, "events", "b"));
        var c = await outbox.EnqueueAsync(Messages.Make(MessageClass.Event, "events", "c"));

        await outbox.RemoveAsync([b]);
        await outbox.RemoveAsync([b]);
        await outbox.RemoveAsync([b, 999_999, -1]);
        await outbox.RemoveAsync(new HashSet<long> { b });

        Assert.Equal([a, c], (await outbox.ReadAsync(0, 10)).Select(m => m.Id));
        var statistics = outbox.GetStatistics();
        Assert.Equal(2, statistics.PendingMessages);
        Assert.Equal(2, statistics.PendingEvents);
    }

    [Fact]
    public async Task Reopen_keeps_pending_and_drops_removed()
    {
        long[] kept;
        await using (var outbox = await OpenAsync())
        {
            var ids = new List<long>();
            for (var i = 0; i < 50; i++)
            {
                ids.Add(await outbox.EnqueueAsync(Messages.Make((MessageClass)(i % 3), $"s{i % 4}", $"m{i}")));
            }

            var removed = ids.Where((_, i) => i % 2 == 0).ToArray();
            await outbox.RemoveAsync(removed);
            kept = ids.Except(removed).ToArray();
        }

        await using var reopened = await OpenAsync();
        var messages = await reopened.ReadAsync(0, 1000);
        Assert.Equal(kept, messages.Select(m => m.Id));
        Assert.All(messages, m => Assert.Equal($"m{Array.IndexOf(kept, m.Id) * 2 + 1}", m.Text()));
        Assert.Equal(kept.Length, reopened.GetStatistics().PendingMessages);
    }

    [Fact]
    public async Task WaitForMessages_completes_at_once_when_pending_and_wakes_when_one_arrives()
    {
        await using var outbox = await OpenAsync();
        var waiting = outbox.WaitForMessagesAsync(0).AsTask();
        await Task.Delay(50);
        Assert.False(waiting.IsCompleted, "nothing is pending yet");

        var id = await outbox.EnqueueAsync(Messages.Make(MessageClass.Alarm, "alarms", "wake up"));
        await waiting.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(outbox.WaitForMessagesAsync(0).AsTask().IsCompleted);
        var later = outbox.WaitForMessagesAsync(id).AsTask();
        Assert.False(later.IsCompleted, "nothing after the last id");
        using var cancel = new CancellationTokenSource();
        var cancelled = outbox.WaitForMessagesAsync(id, cancel.Token).AsTask();
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        await outbox.EnqueueAsync(Messages.Make(MessageClass.Event, "events", "next"));
        await later.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Concurrent_appends_all_get_distinct_ids_and_are_all_read_back()
    {
        await using var outbox = await OpenAsync();
        var producers = Enumerable.Range(0, 8).Select(p => Task.Run(async () =>
        {
            var ids = new List<long>();
            for (var i = 0; i < 200; i++)
            {
                ids.Add(await outbox.EnqueueAsync(Messages.Make(MessageClass.Telemetry, $"p{p}", $"{p}:{i}")));
            }

            return ids;
        })).ToArray();
        var all = (await Task.WhenAll(producers)).SelectMany(ids => ids).ToArray();

        Assert.Equal(1600, all.Distinct().Count());
        var messages = await outbox.ReadAsync(0, 10_000);
        Assert.Equal(all.Order(), messages.Select(m => m.Id));
        foreach (var stream in messages.GroupBy(m => m.Stream))
        {
            var sequence = stream.Select(m => int.Parse(m.Text().Split(':')[1])).ToArray();
            Assert.Equal(Enumerable.Range(0, 200), sequence);
        }
    }

    [Fact]
    public async Task Cap_evicts_telemetry_oldest_first_then_events_and_never_alarms()
    {
        await using var outbox = await OpenAsync(SmallOptions());
        const int Payload = 8 * 1024;
        var alarms = new List<long>();
        var events = new List<long>();
        var telemetry = new List<long>();
        for (var i = 0; i < 4; i++)
        {
            alarms.Add(await outbox.EnqueueAsync(Messages.Sized(MessageClass.Alarm, "alarms", Payload)));
        }

        for (var i = 0; i < 8; i++)
        {
            events.Add(await outbox.EnqueueAsync(Messages.Sized(MessageClass.Event, "events", Payload)));
        }

        while (outbox.GetStatistics().EvictedTelemetry == 0)
        {
            telemetry.Add(await outbox.EnqueueAsync(Messages.Sized(MessageClass.Telemetry, "telemetry", Payload)));
            Assert.True(telemetry.Count < 100, "the cap was never reached");
        }

        // Telemetry pushed out the oldest telemetry only.
        var pending = (await outbox.ReadAsync(0, 1000)).Select(m => m.Id).ToHashSet();
        Assert.DoesNotContain(telemetry[0], pending);
        Assert.Contains(telemetry[^1], pending);
        Assert.All(alarms.Concat(events), id => Assert.Contains(id, pending));
        Assert.True(outbox.GetStatistics().PendingBytes <= 256 * 1024);

        // Alarms push out all remaining telemetry (oldest first), then events (oldest first).
        var newAlarms = new List<long>();
        while (outbox.GetStatistics().EvictedEvents < 2)
        {
            newAlarms.Add(await outbox.EnqueueAsync(Messages.Sized(MessageClass.Alarm, "alarms", Payload)));
            Assert.True(newAlarms.Count < 100, "events were never evicted");
        }

        pending = (await outbox.ReadAsync(0, 1000)).Select(m => m.Id).ToHashSet();
        Assert.DoesNotContain(telemetry[^1], pending);
        Assert.DoesNotContain(events[0], pending);
        Assert.DoesNotContain(events[1], pending);
        Assert.Contains(events[2], pending);
        Assert.All(alarms.Concat(newAlarms), id => Assert.Contains(id, pending));
        var statistics = outbox.GetStatistics();
        Assert.Equal(0, statistics.PendingTelemetry);
        Assert.Equal(telemetry.Count, statistics.EvictedTelemetry);
        Assert.Equal(2, statistics.EvictedEvents);
    }

    [Fact]
    public async Task Telemetry_never_evicts_events_or_alarms_and_is_refused_instead()
    {
        await using var outbox = await OpenAsync(SmallOptions());
        const int Payload = 8 * 1024;
        var kept = new List<long>();
        // 31 records of 8 KiB + 40 B leave less than one record's room under the 256 KiB cap, with no telemetry to evict.
        for (var i = 0; i < 31; i++)
        {
            kept.Add(await outbox.EnqueueAsync(Messages.Sized(i % 2 == 0 ? MessageClass.Event : MessageClass.Alarm, "s", Payload)));
        }

        var refused = await Assert.ThrowsAsync<OutboxFullException>(async () =>
        {
            for (var i = 0; i < 10; i++)
            {
                await outbox.EnqueueAsync(Messages.Sized(MessageClass.Telemetry, "telemetry", Payload));
            }
        });

        Assert.Contains(DataDirectory, refused.Message);
        Assert.Equal(kept, (await outbox.ReadAsync(0, 1000)).Where(m => m.Class != MessageClass.Telemetry).Select(m => m.Id));
        Assert.Equal(0, outbox.GetStatistics().EvictedEvents);
        Assert.True(outbox.GetStatistics().RejectedMessages >= 1);
    }

    [Fact]
    public async Task Full_of_alarms_refuses_the_next_alarm_naming_the_store_and_keeps_every_alarm()
    {
        var accepted = new List<long>();
        await using (var outbox = await OpenAsync(SmallOptions()))
        {
            const int Payload = 8 * 1024;
            await outbox.EnqueueAsync(Messages.Sized(MessageClass.Telemetry, "telemetry", Payload));
            OutboxFullException? full = null;
            for (var i = 0; i < 100 && full is null; i++)
            {
                try
                {
                    accepted.Add(await outbox.EnqueueAsync(Messages.Sized(MessageClass.Alarm, "alarms", Payload, (byte)i)));
                }
                catch (OutboxFullException exception)
                {
                    full = exception;
                }
            }

            Assert.NotNull(full);
            Assert.Contains(DataDirectory, full.Message);
            Assert.Contains("alarm", full.Message);
            var statistics = outbox.GetStatistics();
            Assert.Equal(accepted.Count, statistics.PendingAlarms);
            Assert.Equal(1, statistics.EvictedTelemetry);
            Assert.Equal(accepted, (await outbox.ReadAsync(0, 1000)).Select(m => m.Id));

            // Still usable: acknowledging alarms makes room again.
            await outbox.RemoveAsync([accepted[0]]);
            accepted.RemoveAt(0);
            accepted.Add(await outbox.EnqueueAsync(Messages.Sized(MessageClass.Alarm, "alarms", Payload)));
        }

        await using var reopened = await OpenAsync(SmallOptions());
        var alarms = await reopened.ReadAsync(0, 1000);
        Assert.Equal(accepted, alarms.Select(m => m.Id));
        Assert.All(alarms, m => Assert.Equal(MessageClass.Alarm, m.Class));
    }

    [Fact]
    public async Task Time_to_live_drops_and_counts_expired_telemetry_and_events_but_never_alarms()
    {
        var options = Options(o =>
        {
            o.TelemetryTimeToLive = TimeSpan.FromHours(1);
            o.EventTimeToLive = TimeSpan.FromHours(5);
        });
        await using var outbox = await OpenAsync(options);
        var alarm = await outbox.EnqueueAsync(Messages.Make(MessageClass.Alarm, "alarms", "a"));
        await outbox.EnqueueAsync(Messages.Make(MessageClass.Event, "events", "e"));
        await outbox.EnqueueAsync(Messages.Make(MessageClass.Telemetry, "telemetry", "t1"));
        Time.Advance(TimeSpan.FromMinutes(30));
        var freshTelemetry = await outbox.EnqueueAsync(Messages.Make(MessageClass.Telemetry, "telemetry", "t2"));

        Time.Advance(TimeSpan.FromMinutes(31));
        var afterOneHour = await outbox.ReadAsync(0, 100);
        Assert.Equal(3, afterOneHour.Count);
        Assert.Equal(1, outbox.GetStatistics().ExpiredMessages);
        Assert.Contains(afterOneHour, m => m.Id == freshTelemetry);

        Time.Advance(TimeSpan.FromDays(365));
        var afterAYear = await outbox.ReadAsync(0, 100);
        Assert.Equal([alarm], afterAYear.Select(m => m.Id));
        var statistics = outbox.GetStatistics();
        Assert.Equal(3, statistics.ExpiredMessages);
        Assert.Equal(1, statistics.PendingMessages);
    }

    [Fact]
    public async Task Arguments_are_checked()
    {
        await using var outbox = await OpenAsync(SmallOptions());
        await Assert.ThrowsAsync<ArgumentException>(async () => await outbox.EnqueueAsync(Messages.Make(MessageClass.Event, "", "x")));
        await Assert.ThrowsAsync<ArgumentException>(async () => await outbox.EnqueueAsync(Messages.Sized(MessageClass.Event, "e", 16 * 1024 + 1)));
        await Assert.ThrowsAsync<ArgumentException>(async () => await outbox.EnqueueAsync(Messages.Make((MessageClass)7, "e", "x")));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await outbox.ReadAsync(0, 0));
        Assert.Equal(0, outbox.GetStatistics().PendingMessages);
    }
}
