using System.Buffers;
using System.Text.Json;
using EdgeGateway.Core.Signals;

namespace EdgeGateway.Detection.Tracing;

/// <summary>
/// Streams an edge-trace/1 file as <see cref="LiftSample"/>s: one pooled byte buffer, lines split with a vectorised
/// search, each line parsed by a <see cref="Utf8JsonReader"/> without allocating. t (ms, possibly fractional) becomes
/// <see cref="LiftSample.TimeMicros"/> = round(t × 1000). A malformed line throws <see cref="TraceFormatException"/>
/// naming its line number: a reader must never silently skip a line (edge-trace/1, "Sample lines").
/// </summary>
public sealed class TraceReader : IDisposable
{
    private const int InitialBufferBytes = 64 * 1024;
    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private byte[] _buffer;
    private int _start;
    private int _end;
    private bool _endOfStream;
    private long _lineNumber;
    private long _lastTimeMicros = long.MinValue;
    private TraceHeader? _header;

    public TraceReader(Stream stream, bool leaveOpen = false)
    {
        _stream = stream;
        _leaveOpen = leaveOpen;
        _buffer = ArrayPool<byte>.Shared.Rent(InitialBufferBytes);
    }

    public static TraceReader Open(string path) =>
        new(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan));

    /// <summary>The number of the last line read (1 = header).</summary>
    public long LineNumber => _lineNumber;

    /// <summary>The header; read on first use.</summary>
    public TraceHeader Header => _header ??= ReadHeader();

    /// <summary>Reads the next sample; false at the end of the trace.</summary>
    public bool TryRead(out LiftSample sample)
    {
        _ = Header;
        while (TryReadLine(out var line))
        {
            sample = ParseSample(line);
            return true;
        }

        sample = default;
        return false;
    }

    /// <summary>Fills <paramref name="destination"/> with the next samples; returns how many (0 at the end).</summary>
    public int Read(Span<LiftSample> destination)
    {
        var count = 0;
        while (count < destination.Length && TryRead(out destination[count]))
        {
            count++;
        }

        return count;
    }

    public void Dispose()
    {
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }

        if (!_leaveOpen)
        {
            _stream.Dispose();
        }
    }

    private TraceHeader ReadHeader()
    {
        if (!TryReadLine(out var line) || line.Trim(" \t"u8).IsEmpty)
        {
            throw new TraceFormatException(1, "the trace is empty (no edge-trace/1 header)");
        }

        // A UTF-8 byte order mark is tolerated on the first line.
        if (line.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            line = line[3..];
        }

        return TraceHeader.Parse(line);
    }

    private bool TryReadLine(out ReadOnlySpan<byte> line)
    {
        while (true)
        {
            var available = _buffer.AsSpan(_start, _end - _start);
            var newline = available.IndexOf((byte)'\n');
            if (newline >= 0)
            {
                line = TrimCarriageReturn(available[..newline]);
                _start += newline + 1;
                _lineNumber++;
                return true;
            }

            if (_endOfStream)
            {
                if (available.IsEmpty)
                {
                    line = default;
                    return false;
                }

                // The last line without a final newline.
                line = TrimCarriageReturn(available);
                _start = _end;
                _lineNumber++;
                return true;
            }

            Fill();
        }
    }

    private void Fill()
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
            Buffer.BlockCopy(_buffer, 0, bigger, 0, _end);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }

        var read = _stream.Read(_buffer, _end, _buffer.Length - _end);
        if (read == 0)
        {
            _endOfStream = true;
        }

        _end += read;
    }

    private static ReadOnlySpan<byte> TrimCarriageReturn(ReadOnlySpan<byte> line) =>
        line.Length > 0 && line[^1] == (byte)'\r' ? line[..^1] : line;

    private LiftSample ParseSample(ReadOnlySpan<byte> line)
    {
        try
        {
            return ParseSampleCore(line);
        }
        catch (JsonException e)
        {
            throw new TraceFormatException(_lineNumber, $"not valid JSON ({e.Message})", e);
        }
    }

    private LiftSample ParseSampleCore(ReadOnlySpan<byte> line)
    {
        var reader = new Utf8JsonReader(line, isFinalBlock: true, state: default);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new TraceFormatException(_lineNumber, "a sample line must be a JSON object");
        }

        var set = SignalMask.None;
        var hasTime = false;
        double t = 0;
        LiftMode mode = default;
        TravelDirection dir = default;
        DoorState door = default;
        int floor = 0, fault = 0, speed = 0;
        bool run = false, doorLock = false, safety = false, link = false, zone = false, occupied = false, alarm = false, mains = false;
        float accX = 0, accY = 0, accZ = 0;

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("t"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.Number || !reader.TryGetDouble(out t) || !double.IsFinite(t))
                {
                    throw WrongType("t", "a number of milliseconds");
                }

                hasTime = true;
            }
            else if (reader.ValueTextEquals("acc"u8))
            {
                ReadAcceleration(ref reader, out accX, out accY, out accZ);
                set |= SignalMask.Acc;
            }
            else if (reader.ValueTextEquals("mode"u8))
            {
                reader.Read();
                mode = ReadMode(ref reader);
                set |= SignalMask.Mode;
            }
            else if (reader.ValueTextEquals("floor"u8))
            {
                floor = ReadInt(ref reader, "floor");
                set |= SignalMask.Floor;
            }
            else if (reader.ValueTextEquals("dir"u8))
            {
                reader.Read();
                dir = reader.TokenType != JsonTokenType.String ? throw WrongType("dir", "\"up\", \"down\" or \"none\"")
                    : reader.ValueTextEquals("up"u8) ? TravelDirection.Up
                    : reader.ValueTextEquals("down"u8) ? TravelDirection.Down
                    : reader.ValueTextEquals("none"u8) ? TravelDirection.None
                    : throw WrongType("dir", "\"up\", \"down\" or \"none\"");
                set |= SignalMask.Dir;
            }
            else if (reader.ValueTextEquals("run"u8))
            {
                run = ReadBool(ref reader, "run");
                set |= SignalMask.Run;
            }
            else if (reader.ValueTextEquals("door"u8))
            {
                reader.Read();
                door = reader.TokenType != JsonTokenType.String ? throw WrongType("door", "\"open\", \"opening\", \"closing\" or \"closed\"")
                    : reader.ValueTextEquals("closed"u8) ? DoorState.Closed
                    : reader.ValueTextEquals("open"u8) ? DoorState.Open
                    : reader.ValueTextEquals("opening"u8) ? DoorState.Opening
                    : reader.ValueTextEquals("closing"u8) ? DoorState.Closing
                    : throw WrongType("door", "\"open\", \"opening\", \"closing\" or \"closed\"");
                set |= SignalMask.Door;
            }
            else if (reader.ValueTextEquals("lock"u8))
            {
                doorLock = ReadBool(ref reader, "lock");
                set |= SignalMask.Lock;
            }
            else if (reader.ValueTextEquals("safety"u8))
            {
                safety = ReadBool(ref reader, "safety");
                set |= SignalMask.Safety;
            }
            else if (reader.ValueTextEquals("fault"u8))
            {
                fault = ReadInt(ref reader, "fault");
                set |= SignalMask.Fault;
            }
            else if (reader.ValueTextEquals("speed"u8))
            {
                speed = ReadInt(ref reader, "speed");
                set |= SignalMask.Speed;
            }
            else if (reader.ValueTextEquals("link"u8))
            {
                link = ReadBool(ref reader, "link");
                set |= SignalMask.Link;
            }
            else if (reader.ValueTextEquals("zone"u8))
            {
                zone = ReadBool(ref reader, "zone");
                set |= SignalMask.Zone;
            }
            else if (reader.ValueTextEquals("occupied"u8))
            {
                occupied = ReadBool(ref reader, "occupied");
                set |= SignalMask.Occupied;
            }
            else if (reader.ValueTextEquals("alarm"u8))
            {
                alarm = ReadBool(ref reader, "alarm");
                set |= SignalMask.Alarm;
            }
            else if (reader.ValueTextEquals("mains"u8))
            {
                mains = ReadBool(ref reader, "mains");
                set |= SignalMask.Mains;
            }
            else
            {
                // Unknown signal names are ignored (edge-trace/1), whatever their value.
                reader.Read();
                reader.Skip();
            }
        }

        if (reader.TokenType != JsonTokenType.EndObject)
        {
            throw new TraceFormatException(_lineNumber, "a sample line must be one JSON object");
        }

        // Anything after the object (a second value, garbage) makes Read throw.
        if (reader.Read())
        {
            throw new TraceFormatException(_lineNumber, "unexpected content after the sample object");
        }

        if (!hasTime)
        {
            throw new TraceFormatException(_lineNumber, "sample has no \"t\"");
        }

        if (t < 0)
        {
            throw new TraceFormatException(_lineNumber, $"t must not be negative (got {t})");
        }

        var micros = (long)Math.Round(t * 1000.0, MidpointRounding.AwayFromZero);
        if (micros < _lastTimeMicros)
        {
            throw new TraceFormatException(_lineNumber, $"t goes back in time ({t} ms after {_lastTimeMicros / 1000.0} ms)");
        }

        _lastTimeMicros = micros;
        return new LiftSample(micros, set, mode, floor, dir, run, door, doorLock, safety, fault, speed, link, zone, occupied, alarm, mains,
            accX, accY, accZ);
    }

    private LiftMode ReadMode(ref Utf8JsonReader reader)
    {
        const string expected = "one of normal, inspection, fire, emergency_power, out_of_service, earthquake, unknown";
        if (reader.TokenType != JsonTokenType.String)
        {
            throw WrongType("mode", expected);
        }

        return reader.ValueTextEquals("normal"u8) ? LiftMode.Normal
            : reader.ValueTextEquals("inspection"u8) ? LiftMode.Inspection
            : reader.ValueTextEquals("fire"u8) ? LiftMode.Fire
            : reader.ValueTextEquals("emergency_power"u8) ? LiftMode.EmergencyPower
            : reader.ValueTextEquals("out_of_service"u8) ? LiftMode.OutOfService
            : reader.ValueTextEquals("earthquake"u8) ? LiftMode.Earthquake
            : reader.ValueTextEquals("unknown"u8) ? LiftMode.Unknown
            : throw WrongType("mode", expected);
    }

    private bool ReadBool(ref Utf8JsonReader reader, string signal)
    {
        reader.Read();
        return reader.TokenType switch
        {
            JsonTokenType.True => true,
            JsonTokenType.False => false,
            _ => throw WrongType(signal, "true or false"),
        };
    }

    private int ReadInt(ref Utf8JsonReader reader, string signal)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out var value))
        {
            throw WrongType(signal, "an integer");
        }

        return value;
    }

    private void ReadAcceleration(ref Utf8JsonReader reader, out float x, out float y, out float z)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw WrongType("acc", "an array of three numbers [x, y, z]");
        }

        x = ReadAxis(ref reader);
        y = ReadAxis(ref reader);
        z = ReadAxis(ref reader);
        if (!reader.Read() || reader.TokenType != JsonTokenType.EndArray)
        {
            throw WrongType("acc", "an array of three numbers [x, y, z]");
        }
    }

    private float ReadAxis(ref Utf8JsonReader reader)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.Number || !reader.TryGetSingle(out var value) || !float.IsFinite(value))
        {
            throw WrongType("acc", "an array of three numbers [x, y, z]");
        }

        return value;
    }

    private TraceFormatException WrongType(string signal, string expected) =>
        new(_lineNumber, $"signal \"{signal}\" must be {expected}");
}
