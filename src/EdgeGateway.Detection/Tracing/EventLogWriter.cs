using EdgeGateway.Core.Events;
using EdgeGateway.Core.Signals;

namespace EdgeGateway.Detection.Tracing;

/// <summary>
/// Writes edge-events/1: one line per event, fields in the spec's order (t, type, phase, code, grade, floor, detail),
/// t in milliseconds like the trace's samples (<c>41250.0</c>), detail keys in the order between_floors, from, to,
/// code, sensor, reason, and detail omitted when empty. Usable directly as the engine's <see cref="IEventSink"/>.
/// </summary>
public sealed class EventLogWriter : IEventSink, IDisposable
{
    private readonly Stream _output;
    private readonly bool _leaveOpen;
    private readonly long _originMicros;
    private readonly JsonLineBuilder _line = new();

    // Catalogue names are plain ASCII: encoded once.
    private static readonly byte[][] TypeNames =
        [.. EventCatalogue.All.OrderBy(d => (int)d.Type).Select(d => System.Text.Encoding.ASCII.GetBytes(d.Name))];

    /// <param name="originMicros">Monotonic time of trace t = 0 (0 in replay).</param>
    public EventLogWriter(Stream output, long originMicros = 0, bool leaveOpen = false)
    {
        _output = output;
        _originMicros = originMicros;
        _leaveOpen = leaveOpen;
    }

    public long EventsWritten { get; private set; }

    public void OnEvent(in LiftEvent liftEvent) => Write(in liftEvent);

    public void Write(in LiftEvent e)
    {
        var definition = EventCatalogue.Get(e.Type);
        var line = _line;
        line.Clear();
        line.Append("{\"t\":"u8);
        line.AppendMillis(e.TimeMicros - _originMicros);
        line.Append(",\"type\":\""u8);
        line.Append(TypeNames[(int)e.Type]);
        line.Append("\",\"phase\":"u8);
        line.Append(e.Phase switch
        {
            EventPhase.Raised => "\"raised\""u8,
            EventPhase.Cleared => "\"cleared\""u8,
            _ => "\"instant\""u8,
        });
        line.Append(",\"code\":"u8);
        line.Append(definition.Code);
        line.Append(",\"grade\":"u8);
        if (definition.Grade == EventGrade.Info)
        {
            line.Append("\"info\""u8);
        }
        else
        {
            line.Append((long)definition.Grade);
        }

        line.Append(",\"floor\":"u8);
        if (e.Floor is { } floor)
        {
            line.Append(floor);
        }
        else
        {
            line.Append("null"u8);
        }

        if (!e.Detail.IsEmpty)
        {
            AppendDetail(line, e.Detail);
        }

        line.Append("}\n"u8);
        _output.Write(line.Written);
        EventsWritten++;
    }

    public void Flush() => _output.Flush();

    public void Dispose()
    {
        _output.Flush();
        if (!_leaveOpen)
        {
            _output.Dispose();
        }

        _line.Dispose();
    }

    private static void AppendDetail(JsonLineBuilder line, in EventDetail d)
    {
        line.Append(",\"detail\":{"u8);
        var first = true;
        void Key(ReadOnlySpan<byte> key)
        {
            if (!first)
            {
                line.Append((byte)',');
            }

            first = false;
            line.Append(key);
        }

        if (d.BetweenFloors is { } between)
        {
            Key("\"between_floors\":"u8);
            line.Append(between);
        }

        if (d.From is { } from)
        {
            Key("\"from\":"u8);
            line.AppendString(SignalNames.Of(from));
        }

        if (d.To is { } to)
        {
            Key("\"to\":"u8);
            line.AppendString(SignalNames.Of(to));
        }

        if (d.Code is { } code)
        {
            Key("\"code\":"u8);
            line.Append(code);
        }

        if (d.Sensor is { } sensor)
        {
            Key("\"sensor\":"u8);
            line.AppendString(sensor);
        }

        if (d.Reason is { } reason)
        {
            Key("\"reason\":"u8);
            line.AppendString(reason);
        }

        line.Append((byte)'}');
    }
}
