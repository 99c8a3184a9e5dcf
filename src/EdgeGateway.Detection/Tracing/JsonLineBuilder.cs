using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text.Json;

namespace EdgeGateway.Detection.Tracing;

/// <summary>
/// Builds one JSON line in a reusable UTF-8 buffer with a fixed, culture-free number format, so the same values
/// always give the same bytes (the replay contract: same trace, same configuration, byte-identical output).
/// </summary>
internal sealed class JsonLineBuilder : IDisposable
{
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(1024);
    private int _length;

    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _length);

    public void Clear() => _length = 0;

    public void Append(ReadOnlySpan<byte> ascii)
    {
        Ensure(ascii.Length);
        ascii.CopyTo(_buffer.AsSpan(_length));
        _length += ascii.Length;
    }

    public void Append(byte b)
    {
        Ensure(1);
        _buffer[_length++] = b;
    }

    public void Append(long value)
    {
        Ensure(24);
        Utf8Formatter.TryFormat(value, _buffer.AsSpan(_length), out var written);
        _length += written;
    }

    public void Append(bool value) => Append(value ? "true"u8 : "false"u8);

    /// <summary>Shortest round-trip form of a float ("9.81", "-0.036").</summary>
    public void Append(float value)
    {
        Ensure(32);
        value.TryFormat(_buffer.AsSpan(_length), out var written, "R", CultureInfo.InvariantCulture);
        _length += written;
    }

    /// <summary>Microseconds as milliseconds with at least one decimal, trailing zeros dropped: 41250000 → "41250.0", 5500 → "5.5".</summary>
    public void AppendMillis(long micros)
    {
        if (micros < 0)
        {
            Append((byte)'-');
            micros = -micros;
        }

        Append(micros / 1000);
        Append((byte)'.');
        var fraction = (int)(micros % 1000);
        if (fraction == 0)
        {
            Append((byte)'0');
            return;
        }

        Span<byte> digits = [(byte)('0' + (fraction / 100)), (byte)('0' + (fraction / 10 % 10)), (byte)('0' + (fraction % 10))];
        var used = fraction % 100 == 0 ? 1 : fraction % 10 == 0 ? 2 : 3;
        Append(digits[..used]);
    }

    /// <summary>A JSON string literal with quotes, escaped as System.Text.Json's default encoder does.</summary>
    public void AppendString(string value)
    {
        var encoded = JsonEncodedText.Encode(value);
        Append((byte)'"');
        Append(encoded.EncodedUtf8Bytes);
        Append((byte)'"');
    }

    public void Dispose()
    {
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
    }

    private void Ensure(int more)
    {
        if (_length + more <= _buffer.Length)
        {
            return;
        }

        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + more));
        _buffer.AsSpan(0, _length).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = bigger;
    }
}
