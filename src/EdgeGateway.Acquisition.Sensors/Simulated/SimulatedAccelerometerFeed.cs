using EdgeGateway.Acquisition.Sensors.Accelerometers;

namespace EdgeGateway.Acquisition.Sensors.Simulated;

/// <summary>
/// Plays a signal into a simulated accelerometer at the output data rate its registers select, as the real part
/// samples on its own clock whether or not anyone reads it. The signal is asked for the chip-frame acceleration at
/// each sample's instant (microseconds on the feed's clock). While the part is not measuring (powered down,
/// unplugged) nothing is pushed and the sample phase restarts when it measures again.
/// </summary>
public sealed class SimulatedAccelerometerFeed
{
    private readonly SimulatedI2cChip _chip;
    private readonly Func<long, AccelerationVector> _signal;
    private readonly TimeProvider _time;
    private readonly long _origin;
    private double _rateHz;
    private long _phaseStartMicros;
    private long _pushedSincePhase;

    public SimulatedAccelerometerFeed(SimulatedI2cChip chip, Func<long, AccelerationVector> chipFrameSignal, TimeProvider time)
    {
        _chip = chip;
        _signal = chipFrameSignal;
        _time = time;
        _origin = time.GetTimestamp();
    }

    /// <summary>Samples the part accepted so far.</summary>
    public long Pushed { get; private set; }

    /// <summary>Microseconds since the feed was created, on its clock.</summary>
    public long NowMicros => (long)_time.GetElapsedTime(_origin).TotalMicroseconds;

    /// <summary>Pushes every sample due up to now; returns how many the part accepted.</summary>
    public int PushDue()
    {
        var now = NowMicros;
        var rate = _chip.OutputDataRateHz;
        if (rate <= 0)
        {
            _rateHz = 0;
            return 0;
        }

        if (rate != _rateHz)
        {
            _rateHz = rate;
            _phaseStartMicros = now;
            _pushedSincePhase = 0;
        }

        var period = 1_000_000.0 / rate;
        var due = (long)((now - _phaseStartMicros) / period) + 1;
        var accepted = 0;
        while (_pushedSincePhase < due)
        {
            var at = _phaseStartMicros + (long)(_pushedSincePhase * period);
            _pushedSincePhase++;
            if (_chip.PushSample(_signal(at)))
            {
                accepted++;
            }
        }

        Pushed += accepted;
        return accepted;
    }

    /// <summary>Pushes due samples every <paramref name="tick"/> until cancelled.</summary>
    public async Task RunAsync(TimeSpan tick, CancellationToken cancellationToken)
    {
        try
        {
            using var timer = new PeriodicTimer(tick, _time);
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                PushDue();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped.
        }
    }
}
