using System.CommandLine;
using EdgeGateway.Acquisition.Modbus.Polling;
using EdgeGateway.Acquisition.Modbus.Probing;
using EdgeGateway.Acquisition.Modbus.Protocol;
using EdgeGateway.Acquisition.Modbus.Transport;
using Spectre.Console;

namespace EdgeGateway.Host.Commands;

/// <summary>
/// <c>edgegw probe modbus --port /dev/ttyUSB0 | --tcp host:port</c>: for installers, finds the controller's line settings
/// and slave id within a bounded time and shows a sample read. A table on a terminal, plain lines otherwise.
/// Exit code 0 when something answered, 1 when nothing did, 2 when the port cannot be used.
/// The scanning itself is <see cref="ModbusProbe"/> (unit-tested in the Modbus library). Register it under "probe".
/// </summary>
public static class ProbeModbusCommand
{
    public static Command Create()
    {
        var port = new Option<string?>("--port") { Description = "Serial device of the RS-485 adapter, e.g. /dev/ttyUSB0." };
        var tcp = new Option<string?>("--tcp") { Description = "Modbus TCP endpoint host:port instead of a serial port." };
        var bauds = new Option<string?>("--baud") { Description = "Baud rates to try, comma-separated (default 19200,9600,38400,57600,115200,4800,2400)." };
        var parity = new Option<string?>("--parity") { Description = "Parities to try: none,even,odd (default even,none,odd)." };
        var slaves = new Option<string?>("--slaves") { Description = "Slave ids to try, e.g. 1-247 (default) or 1-10 or 17." };
        var timeout = new Option<int>("--timeout-ms") { Description = "How long each slave id gets to answer.", DefaultValueFactory = _ => 100 };
        var budget = new Option<int>("--budget-s") { Description = "Stop the whole scan after this many seconds.", DefaultValueFactory = _ => 60 };
        var all = new Option<bool>("--all-settings") { Description = "Keep scanning other settings after one answered." };
        var command = new Command("modbus", "Find Modbus devices: scan baud rates, parity and slave ids (or TCP unit ids) within a time budget and show a sample read.");
        foreach (var option in new Option[] { port, tcp, bauds, parity, slaves, timeout, budget, all })
        {
            command.Options.Add(option);
        }

        command.Validators.Add(result =>
        {
            if ((result.GetValue(port) is null) == (result.GetValue(tcp) is null))
            {
                result.AddError("Give exactly one of --port or --tcp.");
            }
        });
        command.SetAction((parseResult, cancellationToken) => Task.FromResult(Run(parseResult, port, tcp, bauds, parity, slaves, timeout, budget, all, cancellationToken)));
        return command;
    }

    private static int Run(
        ParseResult parseResult,
        Option<string?> port,
        Option<string?> tcp,
        Option<string?> bauds,
        Option<string?> parity,
        Option<string?> slaves,
        Option<int> timeout,
        Option<int> budget,
        Option<bool> all,
        CancellationToken cancellationToken)
    {
        var output = parseResult.InvocationConfiguration.Output;
        var error = parseResult.InvocationConfiguration.Error;
        var isTcp = parseResult.GetValue(tcp) is not null;
        var problems = new List<string>();
        if (!ModbusProbeText.TryParseIdRange(parseResult.GetValue(slaves), isTcp ? 255 : ModbusLimits.MaxSlaveAddress, out var first, out var last, out var idError))
        {
            problems.Add($"--slaves: {idError}");
        }

        if (!ModbusProbeText.TryParseBaudRates(parseResult.GetValue(bauds), out var rates, out var baudError))
        {
            problems.Add($"--baud: {baudError}");
        }

        if (!ModbusProbeText.TryParseParities(parseResult.GetValue(parity), out var parities, out var parityError))
        {
            problems.Add($"--parity: {parityError}");
        }

        if (parseResult.GetValue(timeout) is < 10 or > 5000)
        {
            problems.Add("--timeout-ms: must be 10..5000.");
        }

        if (parseResult.GetValue(budget) is < 1 or > 3600)
        {
            problems.Add("--budget-s: must be 1..3600.");
        }

        var host = "";
        var tcpPort = 0;
        if (isTcp && !ModbusEndpoint.TryParse(parseResult.GetValue(tcp), out host, out tcpPort))
        {
            problems.Add($"--tcp: '{parseResult.GetValue(tcp)}' is not host:port.");
        }

        if (problems.Count > 0)
        {
            foreach (var p in problems)
            {
                error.WriteLine(p);
            }

            return 2;
        }

        var options = new ModbusProbeOptions
        {
            BaudRates = rates,
            Parities = parities,
            FirstSlaveId = Math.Max(first, isTcp ? 0 : 1),
            LastSlaveId = last,
            AttemptTimeout = TimeSpan.FromMilliseconds(parseResult.GetValue(timeout)),
            TotalBudget = TimeSpan.FromSeconds(parseResult.GetValue(budget)),
            StopAtFirstAnsweringSetting = !parseResult.GetValue(all),
        };

        var interactive = !Console.IsOutputRedirected && ReferenceEquals(output, Console.Out);
        var progress = new Progress<string>(line =>
        {
            if (!interactive)
            {
                output.WriteLine(line);
            }
        });
        ModbusProbeReport report;
        try
        {
            report = interactive
                ? AnsiConsole.Status().Start("Probing…", ctx => Scan(isTcp, parseResult.GetValue(port)!, host, tcpPort, options,
                    new Progress<string>(line => ctx.Status(Markup.Escape(line))), cancellationToken))
                : Scan(isTcp, parseResult.GetValue(port)!, host, tcpPort, options, progress, cancellationToken);
        }
        catch (ModbusTransportException e)
        {
            error.WriteLine(e.Message);
            return 2;
        }
        catch (OperationCanceledException)
        {
            error.WriteLine("Probe cancelled.");
            return 2;
        }

        if (interactive)
        {
            WriteTable(report);
        }
        else
        {
            ModbusProbeText.Write(report, output);
        }

        return report.Hits.Count > 0 ? 0 : 1;
    }

    private static ModbusProbeReport Scan(bool isTcp, string port, string host, int tcpPort, ModbusProbeOptions options, IProgress<string> progress, CancellationToken ct) =>
        isTcp
            ? ModbusProbe.ScanTcp(host, tcpPort, options, progress: progress, cancellationToken: ct)
            : ModbusProbe.ScanSerial(port, options, progress: progress, cancellationToken: ct);

    private static void WriteTable(ModbusProbeReport report)
    {
        var table = new Table().Title($"Modbus devices on {Markup.Escape(report.Target)}");
        table.AddColumn("slave");
        table.AddColumn("settings");
        table.AddColumn("answer");
        table.AddColumn("sample");
        foreach (var hit in report.Hits)
        {
            table.AddRow(
                hit.SlaveId.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Markup.Escape(hit.Settings),
                Markup.Escape(hit.Answer.ToString()),
                Markup.Escape(hit.SampleResult.IsOk ? $"{hit.SampleTable}: {string.Join(' ', hit.Sample)}" : hit.SampleResult.ToString()));
        }

        AnsiConsole.Write(table);
        if (report.Hits.Count == 0)
        {
            AnsiConsole.MarkupLine("[yellow]Nothing answered.[/]");
        }

        foreach (var note in report.Notes)
        {
            AnsiConsole.MarkupLine($"[grey]note:[/] {Markup.Escape(note)}");
        }

        AnsiConsole.MarkupLine($"[grey]{report.Attempts} attempts in {report.Elapsed.TotalSeconds:0.0} s[/]");
    }
}
