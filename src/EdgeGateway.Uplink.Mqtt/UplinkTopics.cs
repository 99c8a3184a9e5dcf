namespace EdgeGateway.Uplink.Mqtt;

/// <summary>
/// The topic layout (docs/uplink.md): everything about one lift under <c>lifts/{lift}</c>.
/// Box → platform: <c>alarms</c>, <c>events</c>, <c>telemetry</c>, <c>trips</c>, <c>blackbox</c> (one per outbox stream),
/// <c>status</c> (retained birth / will) and <c>cmd/response</c>. Platform → box: <c>cmd/{name}</c>.
/// </summary>
public sealed class UplinkTopics
{
    public UplinkTopics(string liftId)
    {
        Root = "lifts/" + liftId;
        Status = Root + "/status";
        CommandPrefix = Root + "/cmd/";
        CommandFilter = CommandPrefix + "+";
        CommandResponse = CommandPrefix + Commands.CommandNames.Response;
    }

    public string Root { get; }

    /// <summary>Retained: the latest birth (online) or will (offline).</summary>
    public string Status { get; }

    public string CommandPrefix { get; }

    /// <summary>What the box subscribes to (QoS 1).</summary>
    public string CommandFilter { get; }

    public string CommandResponse { get; }

    public string ForStream(string stream) => Root + "/" + stream;

    public string ForCommand(string name) => CommandPrefix + name;

    /// <summary>A stream name is one topic level: no '/', '+', '#', spaces or control characters, 1..32 characters.</summary>
    public static bool IsValidStream(string stream) =>
        stream.Length is > 0 and <= 32 && stream.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');
}
