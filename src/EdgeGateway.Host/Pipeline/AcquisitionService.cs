using EdgeGateway.Core.Acquisition;
using EdgeGateway.Host.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Host.Pipeline;

/// <summary>
/// Runs every acquisition source (controller, GPIO, accelerometer, simulator) side by side. A source that throws is
/// logged and restarted with backoff; the others keep running, so a dead RS-485 adapter never silences the alarm button.
/// </summary>
public sealed class AcquisitionService : BackgroundService
{
    private static readonly int[] BackoffMs = [500, 1_000, 2_000, 5_000, 10_000, 30_000];
    private readonly IReadOnlyList<ISampleSource> _sources;
    private readonly ISampleWriter _writer;
    private readonly ISensorHealthReporter _health;
    private readonly TimeProvider _time;
    private readonly ILogger<AcquisitionService> _logger;

    public AcquisitionService(
        IEnumerable<ISampleSource> sources,
        ISampleWriter writer,
        ISensorHealthReporter health,
        TimeProvider time,
        ILogger<AcquisitionService> logger)
    {
        _sources = sources.ToArray();
        _writer = writer;
        _health = health;
        _time = time;
        _logger = logger;
    }

    public IReadOnlyList<ISampleSource> Sources => _sources;

    /// <summary>The last source that threw and why, or null while every source has run without throwing.</summary>
    public SourceFailure? LastFailure { get; private set; }

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var runs = new Task[_sources.Count];
        for (var i = 0; i < runs.Length; i++)
        {
            runs[i] = RunSupervisedAsync(_sources[i], stoppingToken);
        }

        return Task.WhenAll(runs);
    }

    private async Task RunSupervisedAsync(ISampleSource source, CancellationToken stoppingToken)
    {
        // Leave the host's start-up path at once: sources connect inside RunAsync, which may block.
        await Task.Yield();
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            var started = _time.GetTimestamp();
            try
            {
                Log.SourceStarted(_logger, source.Name);
                await source.RunAsync(_writer, _health, stoppingToken).ConfigureAwait(false);
                return;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // A source that ran for a minute before failing starts its backoff again from the beginning.
                if (_time.GetElapsedTime(started) > TimeSpan.FromMinutes(1))
                {
                    failures = 0;
                }

                var delay = BackoffMs[Math.Min(failures++, BackoffMs.Length - 1)];
                LastFailure = new SourceFailure(source.Name, ex.Message);
                Log.SourceFailed(_logger, ex, source.Name, delay);
                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(delay), _time, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}

/// <summary>A source that threw: its name and the exception's message.</summary>
public sealed record SourceFailure(string Source, string Message);
