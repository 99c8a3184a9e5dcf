using EdgeGateway.Core.Lift;
using EdgeGateway.Core.Signals;
using EdgeGateway.Detection.Tracing;

namespace EdgeGateway.Detection.BlackBox;

/// <summary>Writes one capture as edge-trace/1 with the product's <see cref="TraceWriter"/>.</summary>
internal static class BlackBoxTrace
{
    public static void Write(Stream stream, LiftProfile profile, int accelHz, DateTimeOffset? wallStart, CaptureJob job)
    {
        var header = TraceHeader.From(profile, accelHz, wallStart);
        using var writer = new TraceWriter(stream, header, job.StartMicros, leaveOpen: true);
        // "The first sample line should set every signal the trace uses" (edge-trace/1): the state at t = 0.
        writer.Write(LiftSample.From(job.StartMicros, job.StartState));
        // Live sources stamp their own samples, so two of them can reach the queue slightly out of order; edge-trace/1
        // times never decrease, so a late one is written at the time already reached (as the engine itself takes it).
        var time = job.StartMicros;
        foreach (ref readonly var sample in job.Samples.AsSpan(0, job.SampleCount))
        {
            if (sample.TimeMicros >= time)
            {
                time = sample.TimeMicros;
                writer.Write(sample);
            }
            else
            {
                writer.Write(sample with { TimeMicros = time });
            }
        }
    }
}
