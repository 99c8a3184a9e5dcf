using EdgeGateway.Host.LiveView;
using EdgeGateway.Host.Pipeline;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Host.Hosting;

/// <summary>
/// The worker service: builds and starts the pipeline in StartAsync (the store opens there, never during option
/// validation), runs it, and shows the live view when a person is watching or a status line a minute otherwise.
/// </summary>
public sealed class GatewayService : BackgroundService
{
    private readonly Func<GatewayPipeline> _createPipeline;
    private readonly bool _liveView;
    private readonly TimeProvider _time;
    private readonly ILogger<GatewayService> _logger;
    private readonly IHostApplicationLifetime _lifetime;
    private GatewayPipeline? _pipeline;

    public GatewayService(Func<GatewayPipeline> createPipeline, bool liveView, TimeProvider time, ILogger<GatewayService> logger,
        IHostApplicationLifetime lifetime)
    {
        _createPipeline = createPipeline;
        _liveView = liveView;
        _time = time;
        _logger = logger;
        _lifetime = lifetime;
    }

    public GatewayPipeline? Pipeline => _pipeline;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        _pipeline = _createPipeline();
        await _pipeline.StartAsync(cancellationToken).ConfigureAwait(false);
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var pipeline = _pipeline!;
        var view = _liveView
            ? ConsoleLiveView.RunAsync(pipeline.GetStatus, stoppingToken)
            : LogStatusAsync(pipeline, stoppingToken);
        try
        {
            await pipeline.RunAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _logger.LogCritical(ex, "The pipeline stopped with an error; the service exits so systemd restarts it");
            Environment.ExitCode = 1;
            _lifetime.StopApplication();
        }

        await view.ConfigureAwait(false);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        if (_pipeline is not null)
        {
            await _pipeline.DisposeAsync().ConfigureAwait(false);
        }

        Log.Stopped(_logger);
    }

    private async Task LogStatusAsync(GatewayPipeline pipeline, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(60), _time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                if (pipeline.GetStatus() is { } s)
                {
                    var lift = s.Lift;
                    Log.Status(_logger, lift.Floor.ToString(System.Globalization.CultureInfo.InvariantCulture),
                        Core.Signals.SignalNames.Of(lift.Dir), Core.Signals.SignalNames.Of(lift.Door), Core.Signals.SignalNames.Of(lift.Mode),
                        s.Outbox?.PendingMessages ?? 0, s.Uplink);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
