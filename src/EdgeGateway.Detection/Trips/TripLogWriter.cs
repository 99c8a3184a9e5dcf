using EdgeGateway.Core.Signals;
using EdgeGateway.Detection.Tracing;

namespace EdgeGateway.Detection.Trips;

/// <summary>
/// Writes trips as JSON Lines (<c>edge-trips/1</c>, the replay's <c>--trips</c> file), one line per trip in the order
/// they end, numbers formatted like edge-events/1 so a replay is byte-identical run after run:
/// <code>
/// {"start":5100.0,"end":22400.0,"duration":17300.0,"from":-1,"to":6,"dir":"up","kind":"run","max_speed":1500,
///  "levelled":true,"start_mode":"normal","end_mode":"normal","distance_mm":19650,
///  "ride":{"max_acc":0.91,"max_dec":0.9,"max_jerk":4.2,"vib_max_pp":0.06,"vib_a95":0.05,"vib_pairs":180,"const_speed_s":12.3}}
/// </code>
/// Times in milliseconds from <c>originMicros</c>; unknown floor, speed, zone or ride quality are null.
/// </summary>
public sealed class TripLogWriter : ITripSink, IDisposable
{
    private readonly Stream _output;
    private readonly bool _leaveOpen;
    private readonly long _originMicros;
    private readonly JsonLineBuilder _line = new();

    public TripLogWriter(Stream output, long originMicros = 0, bool leaveOpen = false)
    {
        _output = output;
        _originMicros = originMicros;
        _leaveOpen = leaveOpen;
    }

    public long TripsWritten { get; private set; }

    public void OnTrip(in TripRecord trip)
    {
        var line = _line;
        line.Clear();
        line.Append("{\"start\":"u8);
        line.AppendMillis(trip.StartMicros - _originMicros);
        line.Append(",\"end\":"u8);
        line.AppendMillis(trip.EndMicros - _originMicros);
        line.Append(",\"duration\":"u8);
        line.AppendMillis(trip.DurationMicros);
        line.Append(",\"from\":"u8);
        AppendNullable(line, trip.FromFloor);
        line.Append(",\"to\":"u8);
        AppendNullable(line, trip.ToFloor);
        line.Append(",\"dir\":"u8);
        line.Append(trip.Direction switch { TravelDirection.Up => "\"up\""u8, TravelDirection.Down => "\"down\""u8, _ => "\"none\""u8 });
        line.Append(",\"kind\":"u8);
        line.Append(trip.Kind == TripKind.Run ? "\"run\""u8 : "\"relevelling\""u8);
        line.Append(",\"max_speed\":"u8);
        AppendNullable(line, trip.MaxSpeedMmS);
        line.Append(",\"levelled\":"u8);
        if (trip.Levelled is { } levelled)
        {
            line.Append(levelled);
        }
        else
        {
            line.Append("null"u8);
        }

        line.Append(",\"start_mode\":"u8);
        line.AppendString(SignalNames.Of(trip.StartMode));
        line.Append(",\"end_mode\":"u8);
        line.AppendString(SignalNames.Of(trip.EndMode));
        line.Append(",\"distance_mm\":"u8);
        line.Append(trip.DistanceMm);
        line.Append(",\"ride\":"u8);
        if (trip.RideQuality is { } ride)
        {
            line.Append("{\"max_acc\":"u8);
            line.Append(ride.MaxAccelerationMs2);
            line.Append(",\"max_dec\":"u8);
            line.Append(ride.MaxDecelerationMs2);
            line.Append(",\"max_jerk\":"u8);
            line.Append(ride.MaxJerkMs3);
            line.Append(",\"vib_max_pp\":"u8);
            line.Append(ride.VibrationMaxPeakToPeakMs2);
            line.Append(",\"vib_a95\":"u8);
            line.Append(ride.VibrationA95Ms2);
            line.Append(",\"vib_pairs\":"u8);
            line.Append(ride.VibrationPairCount);
            line.Append(",\"const_speed_s\":"u8);
            line.Append(ride.ConstantSpeedSeconds);
            line.Append((byte)'}');
        }
        else
        {
            line.Append("null"u8);
        }

        line.Append("}\n"u8);
        _output.Write(line.Written);
        TripsWritten++;
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

    private static void AppendNullable(JsonLineBuilder line, int? value)
    {
        if (value is { } v)
        {
            line.Append(v);
        }
        else
        {
            line.Append("null"u8);
        }
    }
}
