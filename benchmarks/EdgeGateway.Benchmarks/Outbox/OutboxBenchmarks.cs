using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using EdgeGateway.Outbox;
using EdgeGateway.Outbox.SegmentLog;

namespace EdgeGateway.Benchmarks.Outbox;

/// <summary>
/// Durable appends through the segment log on the real disk (fsync per group commit): many concurrent producers share each
/// fsync. One operation is one message, so the mean time inverts to messages per second. The store lives under
/// EDGEGW_BENCH_DIR (default: the system temp folder), which must be on the disk under test (not tmpfs).
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class OutboxEnqueueBenchmarks
{
    private const int MessagesPerInvoke = 20_000;
    private string _directory = string.Empty;
    private SegmentLogOutbox _outbox = null!;
    private OutboxAppend _message;
    private Task[] _producers = [];
    private long _payloadBytes;
    private long _writeBytesAtStart;

    [Params(1, 64, 256)]
    public int Producers { get; set; }

    [Params(100)]
    public int PayloadBytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _directory = OutboxBenchmarkSupport.NewDirectory();
        _outbox = SegmentLogOutbox.OpenAsync(new OutboxOptions { DataDirectory = _directory, MaxBytes = 8L * 1024 * 1024 * 1024 })
            .GetAwaiter().GetResult();
        _message = new OutboxAppend(MessageClass.Telemetry, "telemetry", 1, Guid.NewGuid(), 1_790_000_000_000, true, new byte[PayloadBytes]);
        _producers = new Task[Producers];
        _writeBytesAtStart = OutboxBenchmarkSupport.ProcessWriteBytes();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        var statistics = _outbox.GetStatistics();
        _outbox.DisposeAsync().AsTask().GetAwaiter().GetResult();
        OutboxBenchmarkSupport.Report($"enqueue producers={Producers} payload={PayloadBytes}", _payloadBytes, statistics.BytesWritten,
            OutboxBenchmarkSupport.ProcessWriteBytes() - _writeBytesAtStart);
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(OperationsPerInvoke = MessagesPerInvoke)]
    public async Task DurableEnqueue()
    {
        var each = MessagesPerInvoke / Producers;
        for (var p = 0; p < _producers.Length; p++)
        {
            _producers[p] = ProduceAsync(each);
        }

        await Task.WhenAll(_producers);
        _payloadBytes += (long)each * Producers * PayloadBytes;
    }

    private async Task ProduceAsync(int count)
    {
        for (var i = 0; i < count; i++)
        {
            await _outbox.EnqueueAsync(_message);
        }
    }
}

/// <summary>
/// The uplink's side: read a batch of 100, remove it (one durable ack record per batch), until the store is empty. The
/// store is filled before each iteration; one operation is one message.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 5, invocationCount: 1)]
public class OutboxDrainBenchmarks
{
    private const int Messages = 50_000;
    private const int Batch = 100;
    private string _directory = string.Empty;
    private SegmentLogOutbox _outbox = null!;
    private long _afterId;

    [GlobalSetup]
    public void Setup()
    {
        _directory = OutboxBenchmarkSupport.NewDirectory();
        _outbox = SegmentLogOutbox.OpenAsync(new OutboxOptions { DataDirectory = _directory }).GetAwaiter().GetResult();
    }

    [IterationSetup]
    public void Fill()
    {
        var message = new OutboxAppend(MessageClass.Event, "events", 1, Guid.NewGuid(), 1_790_000_000_000, true, new byte[100]);
        var producers = Enumerable.Range(0, 64).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < Messages / 64; i++)
            {
                await _outbox.EnqueueAsync(message);
            }
        })).ToArray();
        Task.WaitAll(producers);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _outbox.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(OperationsPerInvoke = Messages / 64 * 64)]
    public async Task ReadAndRemove()
    {
        var ids = new long[Batch];
        while (true)
        {
            var batch = await _outbox.ReadAsync(_afterId, Batch);
            if (batch.Count == 0)
            {
                return;
            }

            var segment = batch.Count == Batch ? ids : new long[batch.Count];
            for (var i = 0; i < batch.Count; i++)
            {
                segment[i] = batch[i].Id;
            }

            await _outbox.RemoveAsync(segment);
            _afterId = segment[^1];
        }
    }
}

internal static class OutboxBenchmarkSupport
{
    public static string NewDirectory()
    {
        var root = Environment.GetEnvironmentVariable("EDGEGW_BENCH_DIR") ?? Path.GetTempPath();
        var directory = Path.Combine(root, "edgegw-outbox-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        return directory;
    }

    /// <summary>
    /// write_bytes from /proc/self/io: bytes this process caused to be sent to the storage layer, counted per 4 KiB page when
    /// it is dirtied, so a page rewritten by successive group commits counts each time (the fsync cost on flash).
    /// </summary>
    public static long ProcessWriteBytes()
    {
        if (!File.Exists("/proc/self/io"))
        {
            return 0;
        }

        foreach (var line in File.ReadLines("/proc/self/io"))
        {
            if (line.StartsWith("write_bytes:", StringComparison.Ordinal))
            {
                return long.Parse(line["write_bytes:".Length..].Trim(), CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }

    /// <summary>Prints write amplification to the benchmark log and appends it to BenchmarkDotNet.Artifacts/outbox-write-amplification.txt.</summary>
    public static void Report(string name, long payloadBytes, long storeBytesWritten, long deviceBytesWritten)
    {
        if (payloadBytes == 0)
        {
            return;
        }

        var line = string.Create(CultureInfo.InvariantCulture,
            $"{name}: payload {payloadBytes} B, store wrote {storeBytesWritten} B (amplification {storeBytesWritten / (double)payloadBytes:F2}), " +
            $"/proc/self/io write_bytes {deviceBytesWritten} B (amplification {deviceBytesWritten / (double)payloadBytes:F2})");
        Console.WriteLine("// " + line);
        Directory.CreateDirectory("BenchmarkDotNet.Artifacts");
        File.AppendAllText(Path.Combine("BenchmarkDotNet.Artifacts", "outbox-write-amplification.txt"), line + Environment.NewLine);
    }
}

/// <summary>
/// Steady state as the service runs it, for both implementations: 64 producers append 100-byte messages while the
/// uplink side reads and removes them in batches of 100. The cleanup prints the write amplification (file bytes and
/// /proc/self/io write_bytes per payload byte) to the log and to BenchmarkDotNet.Artifacts/outbox-write-amplification.txt.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class OutboxSteadyStateBenchmarks
{
    private const int MessagesPerInvoke = 10_000;
    private const int Producers = 64;
    private string _directory = string.Empty;
    private IOutbox _outbox = null!;
    private OutboxAppend _message;
    private long _payloadBytes;
    private long _writeBytesAtStart;

    [Params("segment-log", "sqlite")]
    public string Store { get; set; } = "segment-log";

    [GlobalSetup]
    public void Setup()
    {
        _directory = OutboxBenchmarkSupport.NewDirectory();
        var options = new OutboxOptions { DataDirectory = _directory };
        _outbox = Store == "sqlite"
            ? EdgeGateway.Outbox.Sqlite.SqliteOutbox.OpenAsync(options).GetAwaiter().GetResult()
            : SegmentLogOutbox.OpenAsync(options).GetAwaiter().GetResult();
        _message = new OutboxAppend(MessageClass.Event, "events", 1, Guid.NewGuid(), 1_790_000_000_000, true, new byte[100]);
        _writeBytesAtStart = OutboxBenchmarkSupport.ProcessWriteBytes();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        var statistics = _outbox.GetStatistics();
        _outbox.DisposeAsync().AsTask().GetAwaiter().GetResult();
        OutboxBenchmarkSupport.Report($"steady state {Store}", _payloadBytes, Store == "sqlite" ? 0 : statistics.BytesWritten,
            OutboxBenchmarkSupport.ProcessWriteBytes() - _writeBytesAtStart);
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(OperationsPerInvoke = MessagesPerInvoke)]
    public async Task AppendAndDrain()
    {
        var producers = new Task[Producers + 1];
        for (var p = 0; p < Producers; p++)
        {
            producers[p] = ProduceAsync(MessagesPerInvoke / Producers);
        }

        producers[Producers] = DrainAsync(MessagesPerInvoke / Producers * Producers);
        await Task.WhenAll(producers);
        _payloadBytes += MessagesPerInvoke / Producers * Producers * 100L;
    }

    private async Task ProduceAsync(int count)
    {
        for (var i = 0; i < count; i++)
        {
            await _outbox.EnqueueAsync(_message);
        }
    }

    private async Task DrainAsync(int count)
    {
        var removed = 0;
        while (removed < count)
        {
            var batch = await _outbox.ReadAsync(0, 100);
            if (batch.Count == 0)
            {
                await _outbox.WaitForMessagesAsync(0);
                continue;
            }

            await _outbox.RemoveAsync(batch.Select(m => m.Id).ToArray());
            removed += batch.Count;
        }
    }
}
