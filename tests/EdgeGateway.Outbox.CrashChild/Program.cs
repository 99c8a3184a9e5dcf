using System.Text;
using EdgeGateway.Outbox;
using EdgeGateway.Outbox.SegmentLog;

// Usage: dotnet EdgeGateway.Outbox.CrashChild.dll <data-dir> <enqueue|drain> <producers>
// Prints "READY ." once open, "E <id> <stream> <seq> ." after each EnqueueAsync returned (the message is durable) and
// "D <id> ." before it asks to remove a message and "R <id> ." once RemoveAsync returned. Every line ends in " ." so a line cut by SIGKILL is recognisable.
// It runs until it is killed.
if (args.Length != 3 || args[1] is not ("enqueue" or "drain") || !int.TryParse(args[2], out var producers) || producers < 1)
{
    Console.Error.WriteLine("usage: <data-dir> <enqueue|drain> <producers>");
    return 2;
}

var output = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false)) { AutoFlush = true };
var outputLock = new object();
void Print(string line)
{
    lock (outputLock)
    {
        output.WriteLine(line);
    }
}

var options = new OutboxOptions { DataDirectory = args[0], SegmentBytes = 64 * 1024, MaxBytes = 64L * 1024 * 1024, MaxBatchBytes = 64 * 1024, MaxPayloadBytes = 4096 };
var outbox = await SegmentLogOutbox.OpenAsync(options);
Print("READY .");

var bootId = Guid.NewGuid();
var tasks = new List<Task>();
for (var p = 0; p < producers; p++)
{
    var producer = p;
    tasks.Add(Task.Run(async () =>
    {
        // One stream per producer, so the sequence number gives the stream's order. The stream name carries the process id:
        // every run of the child starts its own streams.
        var stream = $"p{Environment.ProcessId}-{producer}";
        var messageClass = (MessageClass)(producer % 3);
        var filler = new string('x', 150);
        for (var seq = 0; ; seq++)
        {
            var payload = Encoding.UTF8.GetBytes($"{stream}|{seq}|{filler}");
            var id = await outbox.EnqueueAsync(new OutboxAppend(messageClass, stream, Environment.TickCount64 * 1000, bootId,
                DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), true, payload));
            Print($"E {id} {stream} {seq} .");
        }
    }));
}

if (args[1] == "drain")
{
    tasks.Add(Task.Run(async () =>
    {
        while (true)
        {
            var batch = await outbox.ReadAsync(0, 64);
            if (batch.Count == 0)
            {
                await outbox.WaitForMessagesAsync(0);
                continue;
            }

            var ids = batch.Select(m => m.Id).ToArray();
            foreach (var id in ids)
            {
                Print($"D {id} ."); // removal under way: after a kill the message may or may not be there
            }

            await outbox.RemoveAsync(ids);
            foreach (var id in ids)
            {
                Print($"R {id} .");
            }
        }
    }));
}

await Task.WhenAll(tasks);
return 0;
