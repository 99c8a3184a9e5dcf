using System.Globalization;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Signals;
using Spectre.Console;

namespace EdgeGateway.Host.LiveView;

/// <summary>
/// The live console view for a person at a terminal: the car, recent events, the outbox depth and the uplink state,
/// redrawn four times a second. Under systemd (no terminal) the host logs a plain status line instead.
/// </summary>
public static class ConsoleLiveView
{
    /// <summary>True when a person is watching: stdout is a terminal and systemd did not start us.</summary>
    public static bool IsInteractive =>
        !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("INVOCATION_ID") is null && AnsiConsole.Profile.Capabilities.Interactive;

    public static async Task RunAsync(Func<GatewayStatus?> status, CancellationToken cancellationToken)
    {
        await AnsiConsole.Live(new Markup("starting…"))
            .AutoClear(false)
            .Overflow(VerticalOverflow.Ellipsis)
            .StartAsync(async context =>
            {
                while (!cancellationToken.IsCancellationRequested)
                {
                    var current = status();
                    if (current is not null)
                    {
                        context.UpdateTarget(Render(current));
                    }

                    try
                    {
                        await Task.Delay(250, cancellationToken).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        break;
                    }
                }
            }).ConfigureAwait(false);
    }

    public static Grid Render(GatewayStatus s)
    {
        var lift = s.Lift;
        var car = new Table().Border(TableBorder.Rounded).Title("[bold]car[/]").HideHeaders();
        car.AddColumn("signal");
        car.AddColumn("value");
        car.AddRow("floor", Known(lift, SignalMask.Floor, lift.Floor.ToString(CultureInfo.InvariantCulture)));
        car.AddRow("direction", Known(lift, SignalMask.Dir, Arrow(lift.Dir)));
        car.AddRow("speed", Known(lift, SignalMask.Speed, $"{lift.SpeedMmS} mm/s"));
        car.AddRow("door", Known(lift, SignalMask.Door, SignalNames.Of(lift.Door)));
        car.AddRow("mode", Known(lift, SignalMask.Mode, SignalNames.Of(lift.Mode)));
        car.AddRow("door zone", Flag(lift, SignalMask.Zone, lift.Zone));
        car.AddRow("occupied", Flag(lift, SignalMask.Occupied, lift.Occupied));
        car.AddRow("alarm button", Flag(lift, SignalMask.Alarm, lift.Alarm));
        car.AddRow("controller link", Flag(lift, SignalMask.Link, lift.Link));
        car.AddRow("acc z", Known(lift, SignalMask.Acc, $"{lift.AccZ:0.00} m/s²"));

        var events = new Table().Border(TableBorder.Rounded).Title("[bold]recent events[/]");
        events.AddColumn("t (s)");
        events.AddColumn("event");
        events.AddColumn("phase");
        events.AddColumn("grade");
        events.AddColumn("floor");
        for (var i = s.RecentEvents.Count - 1; i >= 0 && i >= s.RecentEvents.Count - 8; i--)
        {
            var e = s.RecentEvents[i];
            var d = e.Definition;
            var colour = d.Grade switch { EventGrade.Grade1 => "red", EventGrade.Grade2 => "yellow", EventGrade.Grade3 => "blue", _ => "grey" };
            events.AddRow(
                (e.TimeMicros / 1e6).ToString("0.0", CultureInfo.InvariantCulture),
                $"[{colour}]{Markup.Escape(d.Name)}[/]",
                e.Phase.ToString().ToLowerInvariant(),
                EventCatalogue.GradeName(d.Grade),
                e.Floor?.ToString(CultureInfo.InvariantCulture) ?? "-");
        }

        var active = s.ActiveEvents.Count == 0
            ? "[green]none[/]"
            : string.Join(", ", s.ActiveEvents.Select(e => $"[red]{Markup.Escape(e.Definition.Name)}[/]"));
        var outbox = s.Outbox is { } o
            ? $"{o.PendingMessages} pending ({o.PendingAlarms} alarms, {o.PendingEvents} events, {o.PendingTelemetry} telemetry), {o.PendingBytes / 1024.0:0.0} KiB, last id {o.LastId}"
            : "opening…";
        var uplinkColour = s.Uplink == "Connected" ? "green" : "yellow";
        var footer = new Markup(
            $"active: {active}\n"
            + $"outbox: {outbox}; event → durable p99 {s.EventToOutboxP99Micros / 1000.0:0.0} ms\n"
            + $"uplink: [{uplinkColour}]{Markup.Escape(s.Uplink)}[/] {Markup.Escape(s.UplinkDetail ?? string.Empty)} · {s.Published} published\n"
            + $"samples: {s.SamplesProcessed} processed, {s.SamplesDropped} dropped · up {s.Uptime:hh\\:mm\\:ss} · Ctrl+C stops");

        var grid = new Grid();
        grid.AddColumn();
        grid.AddColumn();
        grid.AddRow(car, events);
        var outer = new Grid();
        outer.AddColumn();
        outer.AddRow(grid);
        outer.AddRow(footer);
        return outer;
    }

    private static string Known(in LiftState lift, SignalMask signal, string value) =>
        lift.IsKnown(signal) ? Markup.Escape(value) : "[grey]unknown[/]";

    private static string Flag(in LiftState lift, SignalMask signal, bool value) =>
        !lift.IsKnown(signal) ? "[grey]unknown[/]" : value ? "[bold]yes[/]" : "no";

    private static string Arrow(TravelDirection dir) => dir switch
    {
        TravelDirection.Up => "↑ up",
        TravelDirection.Down => "↓ down",
        _ => "· none",
    };
}
