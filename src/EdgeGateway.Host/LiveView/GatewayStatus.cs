using EdgeGateway.Core.Events;
using EdgeGateway.Core.Signals;
using EdgeGateway.Outbox;

namespace EdgeGateway.Host.LiveView;

/// <summary>One consistent look at the running gateway, taken a few times a second for the console.</summary>
public sealed record GatewayStatus(
    LiftState Lift,
    long SamplesProcessed,
    long SamplesDropped,
    IReadOnlyList<LiftEvent> RecentEvents,
    IReadOnlyList<LiftEvent> ActiveEvents,
    OutboxStatistics? Outbox,
    string Uplink,
    string? UplinkDetail,
    long Published,
    TimeSpan Uptime,
    long EventToOutboxP99Micros);
