using Microsoft.Extensions.Logging;

namespace EdgeGateway.Detection.Kpi;

/// <summary>
/// Saves something that changes on the hot-loop thread, periodically and off that thread: every interval it checks a
/// version number and saves when it moved; once more when stopped. A failed save (full disk, read-only file system)
/// is logged and retried at the next interval; the service keeps running.
/// </summary>
public sealed class PeriodicSaver
{
    private readonly Func<long> _version;
    private readonly Action _save;
    private readonly string _path;
    private readonly TimeSpan _interval;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private long _savedVersion = -1;

    public PeriodicSaver(string path, Func<long> version, Action save, TimeSpan interval, TimeProvider time, ILogger logger)
    {
        _path = path;
        _version = version;
        _save = save;
        _interval = interval;
        _time = time;
        _logger = logger;
    }

    public long SaveCount { get; private set; }

    public long FailureCount { get; private set; }

    /// <summary>Runs until cancelled, then saves a last time.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(_interval, _time, cancellationToken).ConfigureAwait(false);
                SaveIfChanged();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            SaveIfChanged();
        }
    }

    /// <summary>Saves now if anything changed since the last successful save; true when the data is on disk.</summary>
    public bool SaveIfChanged()
    {
        lock (_gate)
        {
            var version = _version();
            if (version == _savedVersion)
            {
                return true;
            }

            try
            {
                _save();
                _savedVersion = version;
                SaveCount++;
                return true;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                FailureCount++;
                StatisticsLog.SaveFailed(_logger, _path, e);
                return false;
            }
        }
    }
}
