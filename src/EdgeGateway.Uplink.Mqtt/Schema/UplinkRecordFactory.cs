using EdgeGateway.Core.Events;
using EdgeGateway.Core.Time;
using EdgeGateway.Outbox;

namespace EdgeGateway.Uplink.Mqtt.Schema;

/// <summary>
/// Turns what the hot loop and the statistics produce into <see cref="OutboxAppend"/>s: class, stream, encoded body
/// and the time stamps (monotonic, boot id, wall time and whether the wall clock was synchronised).
/// The host calls these from its event sink and status timer and hands the result to <see cref="IOutbox.EnqueueAsync"/>.
/// </summary>
public sealed class UplinkRecordFactory
{
    private readonly MonotonicClock _monotonic;
    private readonly IWallClock _wall;

    /// <param name="bootId">Names the epoch of <paramref name="monotonic"/>: a new value whenever the monotonic clock restarts
    /// (every process start when the host uses <see cref="MonotonicClock.System"/>).</param>
    public UplinkRecordFactory(MonotonicClock monotonic, IWallClock wall, Guid bootId)
    {
        _monotonic = monotonic;
        _wall = wall;
        BootId = bootId;
    }

    public Guid BootId { get; }

    public MonotonicClock Monotonic => _monotonic;

    public IWallClock Wall => _wall;

    /// <summary>The record for an event; its monotonic time is the event's own (the end of the rule's hold).</summary>
    public OutboxAppend ForEvent(in LiftEvent liftEvent) =>
        Create(UplinkPayloads.ClassOf(liftEvent), UplinkPayloads.StreamOf(liftEvent), liftEvent.TimeMicros, UplinkPayloads.EncodeEvent(liftEvent));

    public OutboxAppend ForStatus(in StatusRecord status) =>
        Create(MessageClass.Telemetry, UplinkStreams.Telemetry, _monotonic.NowMicros, UplinkPayloads.EncodeStatus(status));

    /// <summary>Trips travel as events (never evicted before telemetry), on their own stream.</summary>
    public OutboxAppend ForTrip(in TripRecord trip) =>
        Create(MessageClass.Event, UplinkStreams.Trips, trip.StartMonotonicMicros + (trip.DurationMillis * 1000L), UplinkPayloads.EncodeTrip(trip));

    internal OutboxAppend ForBlackBoxChunk(byte[] payload) =>
        Create(MessageClass.Event, UplinkStreams.BlackBox, _monotonic.NowMicros, payload);

    internal OutboxAppend Create(MessageClass messageClass, string stream, long monotonicMicros, byte[] payload)
    {
        var nowMicros = _monotonic.NowMicros;
        var synchronized = _wall.IsSynchronized;
        // The wall time of the moment the record was taken, which may lie a little before now.
        var wall = _wall.UtcNow.ToUnixTimeMilliseconds() - (Math.Max(0, nowMicros - monotonicMicros) / 1000);
        return new OutboxAppend(messageClass, stream, monotonicMicros, BootId, wall, synchronized, payload);
    }
}
