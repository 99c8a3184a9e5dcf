namespace EdgeGateway.Core.Signals;

/// <summary>
/// The wire names of signals and their values, exactly as the domain brief and edge-trace/1 spell them.
/// Every serialiser (trace, JSON uplink, register maps, CLI) goes through these so the product speaks one vocabulary.
/// </summary>
public static class SignalNames
{
    public static string Of(LiftMode mode) => mode switch
    {
        LiftMode.Normal => "normal",
        LiftMode.Inspection => "inspection",
        LiftMode.Fire => "fire",
        LiftMode.EmergencyPower => "emergency_power",
        LiftMode.OutOfService => "out_of_service",
        LiftMode.Earthquake => "earthquake",
        _ => "unknown",
    };

    public static string Of(TravelDirection dir) => dir switch
    {
        TravelDirection.Up => "up",
        TravelDirection.Down => "down",
        _ => "none",
    };

    public static string Of(DoorState door) => door switch
    {
        DoorState.Open => "open",
        DoorState.Opening => "opening",
        DoorState.Closing => "closing",
        _ => "closed",
    };

    public static bool TryParseMode(ReadOnlySpan<char> text, out LiftMode mode)
    {
        mode = text switch
        {
            "normal" => LiftMode.Normal,
            "inspection" => LiftMode.Inspection,
            "fire" => LiftMode.Fire,
            "emergency_power" => LiftMode.EmergencyPower,
            "out_of_service" => LiftMode.OutOfService,
            "earthquake" => LiftMode.Earthquake,
            "unknown" => LiftMode.Unknown,
            _ => (LiftMode)255,
        };
        return mode != (LiftMode)255;
    }

    public static bool TryParseDirection(ReadOnlySpan<char> text, out TravelDirection dir)
    {
        switch (text)
        {
            case "up": dir = TravelDirection.Up; return true;
            case "down": dir = TravelDirection.Down; return true;
            case "none": dir = TravelDirection.None; return true;
            default: dir = TravelDirection.None; return false;
        }
    }

    public static bool TryParseDoor(ReadOnlySpan<char> text, out DoorState door)
    {
        switch (text)
        {
            case "open": door = DoorState.Open; return true;
            case "opening": door = DoorState.Opening; return true;
            case "closing": door = DoorState.Closing; return true;
            case "closed": door = DoorState.Closed; return true;
            default: door = DoorState.Closed; return false;
        }
    }
}
