using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using EdgeGateway.Uplink.Mqtt.Schema.V1;

namespace EdgeGateway.Uplink.Mqtt.Commands;

/// <summary>
/// HMAC-SHA256 over a canonical text of the command, so the platform can sign in any language:
/// <c>"edgegw-cmd/1\n" + request_id + "\n" + name + "\n" + issued_unix_ms + "\n" + config_json</c> (UTF-8).
/// </summary>
public static class CommandSignature
{
    public static byte[] SignedText(CommandRequest request, string name)
    {
        var config = request.ArgsCase == CommandRequest.ArgsOneofCase.SetConfig ? request.SetConfig.ConfigJson : string.Empty;
        return Encoding.UTF8.GetBytes(string.Create(
            CultureInfo.InvariantCulture,
            $"edgegw-cmd/1\n{request.RequestId}\n{name}\n{request.IssuedUnixMs}\n{config}"));
    }

    public static byte[] Sign(ReadOnlySpan<byte> key, CommandRequest request, string name) =>
        HMACSHA256.HashData(key, SignedText(request, name));

    /// <summary>Constant-time comparison, so the time taken does not reveal how much of a forged signature was right.</summary>
    public static bool Verify(ReadOnlySpan<byte> key, CommandRequest request, string name)
    {
        Span<byte> expected = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(key, SignedText(request, name), expected);
        var actual = request.Signature.Span;
        return actual.Length == expected.Length && CryptographicOperations.FixedTimeEquals(actual, expected);
    }
}
