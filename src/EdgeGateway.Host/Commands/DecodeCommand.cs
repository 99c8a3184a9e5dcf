using System.CommandLine;
using EdgeGateway.Uplink.Mqtt.Schema;

namespace EdgeGateway.Host.Commands;

/// <summary>
/// <c>edgegw decode FILE|- [--json] [--hex] [--command]</c>: prints a captured MQTT payload (an edgegw.v1 envelope in
/// protobuf or JSON mode, or with --command a command request) as readable JSON, so the cloud team can read what a box sent.
/// </summary>
public static class DecodeCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("file") { Description = "The captured payload file, or - for standard input." };
        var jsonOnly = new Option<bool>("--json") { Description = "Print only the JSON (no summary line), e.g. to pipe into jq." };
        var hex = new Option<bool>("--hex") { Description = "The input is hex text (as copied from a log or mosquitto_sub -F %x)." };
        var command = new Option<bool>("--command") { Description = "The payload is a CommandRequest sent to the box (cmd/{name}), not an envelope." };
        var decode = new Command("decode", "Print a captured uplink payload (envelope + body) as readable JSON.");
        decode.Arguments.Add(input);
        decode.Options.Add(jsonOnly);
        decode.Options.Add(hex);
        decode.Options.Add(command);
        decode.SetAction(parseResult =>
        {
            var path = parseResult.GetValue(input)!;
            try
            {
                var bytes = Read(path);
                if (parseResult.GetValue(hex))
                {
                    bytes = PayloadDecoder.FromHex(System.Text.Encoding.ASCII.GetString(bytes));
                }

                Console.Out.WriteLine(parseResult.GetValue(command)
                    ? PayloadDecoder.DescribeCommand(bytes)
                    : PayloadDecoder.DescribeEnvelope(bytes, parseResult.GetValue(jsonOnly)));
                return 0;
            }
            catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"edgegw decode: {(path == "-" ? "standard input" : path)}: {e.Message}");
                return 1;
            }
        });
        return decode;
    }

    private static byte[] Read(string path)
    {
        if (path != "-")
        {
            return File.ReadAllBytes(path);
        }

        using var stdin = Console.OpenStandardInput();
        using var buffer = new MemoryStream();
        stdin.CopyTo(buffer);
        return buffer.ToArray();
    }
}
