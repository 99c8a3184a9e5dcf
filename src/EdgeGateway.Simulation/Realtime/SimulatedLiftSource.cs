using EdgeGateway.Core.Acquisition;
using EdgeGateway.Core.Time;
using EdgeGateway.Simulation.Lift;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeGateway.Simulation.Realtime;

/// <summary>
/// Runs a <see cref="SimulatedLift"/> in real time as an acquisition source: every tick (default 5 ms) of the
/// injected <see cref="TimeProvider"/> it advances the lift to the monotonic clock's now and writes the samples
/// produced, stamped in the clock's time base. A periodic timer, never a spin; a late tick is caught up in one go.
/// </summary>
public sealed class SimulatedLiftSource : ISampleSource
{
    private readonly SimulatedLift _lift;
    private readonly MonotonicClock _clock;
    private readonly TimeSpan _tick;
    private readonly ILogger _logger;
    private int _running;

    /// <param name="clock">The gateway's monotonic clock; its <see cref="MonotonicClock.TimeProvider"/> drives the ticks.</param>
    /// <param name="tick">How often the lift is advanced (default 5 ms).</param>
    public SimulatedLiftSource(SimulatedLift lift, MonotonicClock clock, TimeSpan? tick = null, ILogger<SimulatedLiftSource>? logger = null)
    {
        _lift = lift;
        _clock = clock;
        _tick = tick ?? TimeSpan.FromMilliseconds(5);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(_tick, TimeSpan.Zero);
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    public string Name => "simulator";

    public SimulatedLift Lift => _lift;

    public async Task RunAsync(ISampleWriter writer, ISensorHealthReporter health, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _running, 1) == 1)
        {
            throw new InvalidOperationException("The simulated lift source is already running.");
        }

        try
        {
            // The first sample is stamped "now": the simulation's t = 0 is when the service started it. A restarted
            // source continues the same lift, catching up to the clock in one go.
            if (!_lift.HasStarted)
            {
                _lift.TimeOriginMicros = _clock.NowMicros;
            }

            var profile = _lift.Profile;
            Log.SourceStarted(_logger, profile.LowestFloor, profile.HighestFloor, profile.RatedSpeedMmS, _lift.StepSize.TotalMilliseconds);
            _lift.AdvanceTo(_clock.NowMicros, writer);

            using var timer = new PeriodicTimer(_tick, _clock.TimeProvider);
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                _lift.AdvanceTo(_clock.NowMicros, writer);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Cancellation is how a source is asked to stop.
        }
        finally
        {
            Log.SourceStopped(_logger, _lift.Elapsed.TotalSeconds, _lift.WriteFailures);
            Volatile.Write(ref _running, 0);
        }
    }
}
