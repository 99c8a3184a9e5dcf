using System.Globalization;
using System.Text.Json;
using EdgeGateway.Core.Signals;

namespace EdgeGateway.Detection.Tracing;

/// <summary>
/// Writes edge-trace/1: the header, then one line per sample with only the signals the sample sets, in the
/// vocabulary's order (mode, floor, dir, run, door, lock, safety, fault, speed, link, zone, occupied, alarm, mains,
/// acc). t is (sample time − origin) in milliseconds. Not thread-safe: one writer per recording.
/// </summary>
public sealed class TraceWriter : IDisposable
{
    private readonly Stream _output;
    private readonly bool _leaveOpen;
    private readonly long _originMicros;
    private readonly JsonLineBuilder _line = new();

    /// <param name="originMicros">Monotonic time that becomes t = 0.</param>
    public TraceWriter(Stream output, TraceHeader header, long originMicros = 0, bool leaveOpen = false)
    {
        _output = output;
        _leaveOpen = leaveOpen;
        _originMicros = originMicros;
        WriteHeader(header);
    }

    public long SamplesWritten { get; private set; }

    public void Write(in LiftSample s)
    {
        var line = _line;
        line.Clear();
        line.Append("{\"t\":"u8);
        line.AppendMillis(s.TimeMicros - _originMicros);
        var set = s.Set;
        if ((set & SignalMask.Mode) != 0)
        {
            line.Append(",\"mode\":"u8);
            line.AppendString(SignalNames.Of(s.Mode));
        }

        if ((set & SignalMask.Floor) != 0)
        {
            line.Append(",\"floor\":"u8);
            line.Append(s.Floor);
        }

        if ((set & SignalMask.Dir) != 0)
        {
            line.Append(",\"dir\":"u8);
            line.Append(s.Dir switch { TravelDirection.Up => "\"up\""u8, TravelDirection.Down => "\"down\""u8, _ => "\"none\""u8 });
        }

        AppendBool(line, set, SignalMask.Run, ",\"run\":"u8, s.Run);
        if ((set & SignalMask.Door) != 0)
        {
            line.Append(",\"door\":"u8);
            line.Append(s.Door switch
            {
                DoorState.Open => "\"open\""u8,
                DoorState.Opening => "\"opening\""u8,
                DoorState.Closing => "\"closing\""u8,
                _ => "\"closed\""u8,
            });
        }

        AppendBool(line, set, SignalMask.Lock, ",\"lock\":"u8, s.Lock);
        AppendBool(line, set, SignalMask.Safety, ",\"safety\":"u8, s.Safety);
        if ((set & SignalMask.Fault) != 0)
        {
            line.Append(",\"fault\":"u8);
            line.Append(s.Fault);
        }

        if ((set & SignalMask.Speed) != 0)
        {
            line.Append(",\"speed\":"u8);
            line.Append(s.SpeedMmS);
        }

        AppendBool(line, set, SignalMask.Link, ",\"link\":"u8, s.Link);
        AppendBool(line, set, SignalMask.Zone, ",\"zone\":"u8, s.Zone);
        AppendBool(line, set, SignalMask.Occupied, ",\"occupied\":"u8, s.Occupied);
        AppendBool(line, set, SignalMask.Alarm, ",\"alarm\":"u8, s.Alarm);
        AppendBool(line, set, SignalMask.Mains, ",\"mains\":"u8, s.Mains);
        if ((set & SignalMask.Acc) != 0)
        {
            line.Append(",\"acc\":["u8);
            line.Append(s.AccX);
            line.Append((byte)',');
            line.Append(s.AccY);
            line.Append((byte)',');
            line.Append(s.AccZ);
            line.Append((byte)']');
        }

        line.Append("}\n"u8);
        _output.Write(line.Written);
        SamplesWritten++;
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

    private static void AppendBool(JsonLineBuilder line, SignalMask set, SignalMask signal, ReadOnlySpan<byte> key, bool value)
    {
        if ((set & signal) != 0)
        {
            line.Append(key);
            line.Append(value);
        }
    }

    private void WriteHeader(TraceHeader header)
    {
        using (var json = new Utf8JsonWriter(_output))
        {
            json.WriteStartObject();
            json.WriteString("format", TraceHeader.FormatName);
            json.WriteString("lift", header.LiftId);
            json.WriteStartObject("floors");
            json.WriteNumber("lowest", header.LowestFloor);
            json.WriteNumber("highest", header.HighestFloor);
            json.WriteEndObject();
            json.WriteNumber("rated_speed_mm_s", header.RatedSpeedMmS);
            json.WriteNumber("accel_hz", header.AccelHz);
            if (header.Start is { } start)
            {
                json.WriteString("start", start.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture));
            }
            else
            {
                json.WriteNull("start");
            }

            json.WriteEndObject();
        }

        _output.WriteByte((byte)'\n');
    }
}
