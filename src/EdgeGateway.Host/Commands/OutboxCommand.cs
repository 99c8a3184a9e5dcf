using System.CommandLine;
using EdgeGateway.Outbox.SegmentLog;

namespace EdgeGateway.Host.Commands;

/// <summary>
/// <c>edgegw outbox stats|list|verify --data DIR</c>: a read-only look at the store for installers and support. It takes no
/// lock and changes nothing, so it may run beside the service.
/// </summary>
public static class OutboxCommand
{
    public static Command Create()
    {
        var command = new Command("outbox", "Inspect the store-and-forward outbox on disk (read-only; safe while the service runs).");
        command.Subcommands.Add(Stats());
        command.Subcommands.Add(List());
        command.Subcommands.Add(Verify());
        return command;
    }

    private static Option<DirectoryInfo> DataOption() => new("--data")
    {
        Description = "The outbox directory (Outbox:DataDirectory, default data/outbox).",
        Required = true,
    };

    private static Command Stats()
    {
        var data = DataOption();
        var command = new Command("stats", "Pending messages by class and stream, bytes on disk, segments, last id, quarantined files.");
        command.Options.Add(data);
        command.SetAction(parseResult => Run(parseResult, data, (inspection, output) =>
        {
            OutboxInspector.WriteStatistics(inspection, output);
            return 0;
        }));
        return command;
    }

    private static Command List()
    {
        var data = DataOption();
        var limit = new Option<int>("--limit") { Description = "Most messages to list (oldest first).", DefaultValueFactory = _ => 100 };
        limit.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1)
            {
                result.AddError("--limit must be at least 1.");
            }
        });
        var stream = new Option<string?>("--stream") { Description = "Only this stream (e.g. alarms)." };
        var command = new Command("list", "Pending messages, oldest first: id, class, stream, size, wall time, file and offset.");
        command.Options.Add(data);
        command.Options.Add(limit);
        command.Options.Add(stream);
        command.SetAction(parseResult => Run(parseResult, data, (inspection, output) =>
        {
            OutboxInspector.WriteList(inspection, output, parseResult.GetValue(limit), parseResult.GetValue(stream));
            return 0;
        }));
        return command;
    }

    private static Command Verify()
    {
        var data = DataOption();
        var command = new Command("verify", "Check every record's CRC-32C; exit code 1 when a segment holds corrupt bytes (a torn tail after power loss is reported but normal).");
        command.Options.Add(data);
        command.SetAction(parseResult => Run(parseResult, data, OutboxInspector.WriteVerification));
        return command;
    }

    private static int Run(ParseResult parseResult, Option<DirectoryInfo> data, Func<OutboxInspection, TextWriter, int> write)
    {
        var output = parseResult.InvocationConfiguration.Output;
        var error = parseResult.InvocationConfiguration.Error;
        var directory = parseResult.GetRequiredValue(data);
        try
        {
            return write(OutboxInspector.Inspect(directory.FullName), output);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"edgegw outbox: {exception.Message}");
            return 2;
        }
    }
}
