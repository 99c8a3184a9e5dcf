namespace EdgeGateway.Core.Lift;

/// <summary>
/// What the box knows about the lift it watches: its identity (the 20-digit registration code or any site id),
/// the floor range as the controller numbers it, and the rated speed (edge-trace/1 header fields).
/// </summary>
public sealed record LiftProfile(string LiftId, int LowestFloor, int HighestFloor, int RatedSpeedMmS)
{
    public static LiftProfile Default { get; } = new("SIM-0000000000000001", -1, 12, 1750);

    public int FloorCount => HighestFloor - LowestFloor + 1;

    public bool IsValidFloor(int floor) => floor >= LowestFloor && floor <= HighestFloor;
}
