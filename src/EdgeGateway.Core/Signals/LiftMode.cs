namespace EdgeGateway.Core.Signals;

/// <summary>Controller service mode (domain brief, "Normalised signals": <c>mode</c>).</summary>
public enum LiftMode : byte
{
    Unknown = 0,
    Normal,
    Inspection,
    Fire,
    EmergencyPower,
    OutOfService,
    Earthquake,
}

/// <summary>Actual direction of car motion (<c>dir</c>).</summary>
public enum TravelDirection : byte
{
    None = 0,
    Up,
    Down,
}

/// <summary>Car door state (<c>door</c>).</summary>
public enum DoorState : byte
{
    Closed = 0,
    Opening,
    Open,
    Closing,
}
