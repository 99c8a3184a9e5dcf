using EdgeGateway.Detection.HotLoop;
using EdgeGateway.Detection.Kpi;
using EdgeGateway.Outbox;
using EdgeGateway.Uplink.Mqtt.Schema;

namespace EdgeGateway.Host.Pipeline;

/// <summary>
/// Queues a status telemetry record (car state, counters, outbox depth) once a minute by default: the platform's
/// heartbeat of the lift. Telemetry is the first class evicted when the outbox is full.
/// </summary>
public sealed class StatusReporter
{
    private readonly HotLoop _hotLoop;
    private readonly IOutbox _outbox;
    private readonly UplinkRecordFactory _records;
    private readonly LiftCounters _counters;
    private readonly TimeProvider _time;
    private readonly TimeSpan _interval;

    public StatusReporter(HotLoop hotLoop, IOutbox outbox, UplinkRecordFactory records, LiftCounters counters, TimeProvider time, TimeSpan? interval = null)
    {
        _hotLoop = hotLoop;
        _outbox = outbox;
        _records = records;
        _counters = counters;
        _time = time;
        _interval = interval ?? TimeSpan.FromMinutes(1);
    }

    /// <summary>Optional source of Modbus health for the status record (requests, timeouts, CRC errors, exceptions).</summary>
    public Func<(ulong Requests, ulong Timeouts, ulong CrcErrors, ulong Exceptions)>? ModbusHealth { get; set; }

    public StatusRecord Current()
    {
        var state = _hotLoop.Snapshot().State;
        var counters = _counters.Snapshot();
        var modbus = ModbusHealth?.Invoke() ?? default;
        return new StatusRecord(
            state.Floor,
            state.Dir,
            state.Door,
            state.Mode,
            state.Run,
            state.Link,
            (ulong)counters.Runs,
            (ulong)counters.DoorCycles,
            (ulong)(counters.RunningMicros / 1_000_000),
            (ulong)(counters.DistanceMm / 1000),
            (ulong)_outbox.GetStatistics().PendingMessages,
            modbus.Requests,
            modbus.Timeouts,
            modbus.CrcErrors,
            modbus.Exceptions);
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_interval, _time);
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            try
            {
                await _outbox.EnqueueAsync(_records.ForStatus(Current()), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or OutboxFullException)
            {
                // Telemetry is best effort under a full store: the next minute's record supersedes this one.
            }
        }
    }
}
