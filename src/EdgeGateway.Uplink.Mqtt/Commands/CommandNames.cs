namespace EdgeGateway.Uplink.Mqtt.Commands;

/// <summary>The command names: the last level of <c>lifts/{lift}/cmd/{name}</c>.</summary>
public static class CommandNames
{
    public const string Ping = "ping";
    public const string Ack = "ack";
    public const string UploadBlackBox = "upload_black_box";
    public const string GetConfig = "get_config";
    public const string SetConfig = "set_config";
    public const string TechnicianCheckIn = "technician_check_in";

    /// <summary>Where responses go (<c>lifts/{lift}/cmd/response</c>); never a command.</summary>
    public const string Response = "response";

    public static bool IsKnown(string name) =>
        name is Ping or Ack or UploadBlackBox or GetConfig or SetConfig or TechnicianCheckIn;
}
