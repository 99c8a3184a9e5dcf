using System.Runtime.InteropServices;
using EdgeGateway.Core.Signals;

namespace EdgeGateway.Core.Events;

/// <summary>
/// The free-form <c>detail</c> of an event as a fixed set of optional fields, so raising an event does not
/// allocate a dictionary. Only the fields an event type uses are set (see the brief's catalogue).
/// </summary>
[StructLayout(LayoutKind.Auto)]
public readonly record struct EventDetail(
    bool? BetweenFloors = null,
    LiftMode? From = null,
    LiftMode? To = null,
    int? Code = null,
    string? Sensor = null,
    string? Reason = null)
{
    public static readonly EventDetail None;

    public bool IsEmpty => BetweenFloors is null && From is null && To is null && Code is null && Sensor is null && Reason is null;
}

/// <summary>One event as detection concludes it (edge-events/1 line).</summary>
/// <param name="TimeMicros">Monotonic time at which the rule fired: for a rule with a hold time, the end of the hold.</param>
/// <param name="Floor">Last known floor, or null when no floor is known.</param>
public readonly record struct LiftEvent(long TimeMicros, EventType Type, EventPhase Phase, int? Floor, EventDetail Detail)
{
    public EventDefinition Definition => EventCatalogue.Get(Type);
}

/// <summary>Receives events from detection. Called on the hot-loop thread: implementations must return quickly.</summary>
public interface IEventSink
{
    void OnEvent(in LiftEvent liftEvent);
}
