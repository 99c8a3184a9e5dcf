using EdgeGateway.Outbox.SegmentLog;
using EdgeGateway.Testing.Files;

namespace EdgeGateway.Outbox.Tests.SegmentLog;

/// <summary>The library behind <c>edgegw outbox stats|list|verify</c>: read-only, and it finds what the store would find.</summary>
public sealed class OutboxInspectorTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private async Task<long[]> FillAsync()
    {
        await using var outbox = await SegmentLogOutbox.OpenAsync(new OutboxOptions { DataDirectory = _directory.Path });
        var ids = new List<long>();
        for (var i = 0; i < 6; i++)
        {
            var messageClass = (MessageClass)(i % 3);
            ids.Add(await outbox.EnqueueAsync(Messages.Make(messageClass, messageClass.ToString().ToLowerInvariant() + "s", $"m{i}")));
        }

        await outbox.RemoveAsync([ids[0]]);
        return [.. ids];
    }

    [Fact]
    public async Task Stats_and_list_show_what_is_pending_without_changing_a_byte()
    {
        var ids = await FillAsync();
        var before = Directory.GetFiles(_directory.Path).ToDictionary(f => f, File.ReadAllBytes);

        var inspection = OutboxInspector.Inspect(_directory.Path);
        Assert.Equal(ids[1..], inspection.Pending.Select(p => p.Id));
        Assert.Equal(ids[^1], inspection.LastId);
        Assert.True(inspection.Healthy);

        var stats = new StringWriter();
        OutboxInspector.WriteStatistics(inspection, stats);
        Assert.Contains("pending:     5 message(s)", stats.ToString());
        Assert.Contains("  alarm      2", stats.ToString());
        Assert.Contains("  telemetry  1", stats.ToString());
        Assert.Contains($"stream alarms: 2 (ids {ids[2]}..{ids[5]})", stats.ToString());
        Assert.Contains($"last id:     {ids[^1]}", stats.ToString());

        var list = new StringWriter();
        OutboxInspector.WriteList(inspection, list, limit: 10, stream: "alarms");
        var lines = list.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith($"{ids[2]}\talarm\talarms\t2\t2026-11-23 08:00:00.000\t", lines[1]);

        Assert.Equal(before.Keys.Order(), Directory.GetFiles(_directory.Path).Order());
        Assert.All(before, file => Assert.Equal(file.Value, File.ReadAllBytes(file.Key)));
    }

    [Fact]
    public async Task Verify_reports_torn_tails_as_normal_and_corrupt_bytes_with_file_and_offset_as_failure()
    {
        await FillAsync();
        var segment = Directory.GetFiles(_directory.Path, "*.seg").Order(StringComparer.Ordinal).Last();
        await using (var stream = new FileStream(segment, FileMode.Append))
        {
            stream.Write([0xE6, 0xB0, 0x01]);
        }

        var torn = new StringWriter();
        Assert.Equal(0, OutboxInspector.WriteVerification(OutboxInspector.Inspect(_directory.Path), torn));
        Assert.Contains($"{Path.GetFileName(segment)}: torn tail", torn.ToString());
        Assert.Contains("verify: ok", torn.ToString());

        var bytes = File.ReadAllBytes(segment);
        var at = bytes.AsSpan().IndexOf("m3"u8);
        bytes[at] ^= 0xFF;
        File.WriteAllBytes(segment, bytes);
        var damaged = new StringWriter();
        Assert.Equal(1, OutboxInspector.WriteVerification(OutboxInspector.Inspect(_directory.Path), damaged));
        Assert.Contains($"{Path.GetFileName(segment)}: DAMAGED", damaged.ToString());
        Assert.Matches(@"corrupt bytes at offset \d+", damaged.ToString());
        Assert.Contains("verify: DAMAGED", damaged.ToString());
    }

    [Fact]
    public void A_missing_directory_is_named_in_the_error()
    {
        var missing = Path.Combine(_directory.Path, "nope");
        var error = Assert.Throws<DirectoryNotFoundException>(() => OutboxInspector.Inspect(missing));
        Assert.Contains(missing, error.Message);
    }
}
