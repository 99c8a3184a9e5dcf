using EdgeGateway.Core.Events;
using EdgeGateway.Core.Signals;

namespace EdgeGateway.Detection.Pipeline;

/// <summary>
/// A consumer that runs inside <c>DetectionEngine</c> after the catalogue rules, on the same thread and in the
/// same deterministic order, so live runs and trace replays see exactly the same calls (trips, ride quality,
/// KPIs and the black box plug in here). All calls are on the hot-loop thread: implementations must not block,
/// must not allocate per sample in steady state, and must not throw (an exception ends the engine's run).
/// </summary>
/// <remarks>
/// Order of calls for one sample at time t (<c>DetectionEngine.Process</c>): holds that ended before or at t fire
/// (<see cref="OnEvent"/> at their own end times), the sample is applied, the rules' events for it
/// (<see cref="OnEvent"/>), then <see cref="OnSample"/> (which also means "time is now t").
/// <see cref="AdvanceTo"/> is called only by <c>DetectionEngine.AdvanceTo</c>: about every 10 ms in the live
/// service (HotLoop), never in a replay between samples. Construct stages with <see cref="DetectionContext"/> and
/// pass them to the <c>DetectionEngine</c> constructor (or <c>AddStage</c> before samples flow).
/// </remarks>
public interface IDetectionStage
{
    /// <param name="sample">The sample as it arrived (only the signals in <see cref="LiftSample.Set"/> are meaningful).</param>
    /// <param name="state">Last known value of every signal, this sample applied.</param>
    /// <param name="changed">Signals whose value this sample changed (a first value counts as a change).</param>
    void OnSample(in LiftSample sample, in LiftState state, SignalMask changed);

    /// <summary>Time moved on to <paramref name="timeMicros"/> (monotonic µs) without a new sample.</summary>
    void AdvanceTo(long timeMicros, in LiftState state);

    /// <summary>An event the catalogue rules raised, cleared or reported (already handed to the engine's sink).</summary>
    void OnEvent(in LiftEvent liftEvent);
}

/// <summary>
/// What a stage may need to know when it is built: the lift (floor range, rated speed) and the detection
/// options (e.g. the stopped-speed threshold, so trips and rules agree on what "moving" means).
/// </summary>
public sealed record DetectionContext(EdgeGateway.Core.Lift.LiftProfile Profile, DetectionOptions Options);
