namespace EdgeGateway.Detection.RideQuality;

/// <summary>
/// Ride quality of one trip, after the method of ISO 18738-1 / GB/T 24474.1 as the domain brief describes it
/// (no conformance is claimed without the standard's text). All values are magnitudes of the vertical acceleration
/// (acc.z − g) low-passed at the configured cutoff (10 Hz).
/// </summary>
/// <param name="MaxAccelerationMs2">Largest acceleration in the direction of travel, m/s².</param>
/// <param name="MaxDecelerationMs2">Largest acceleration against the direction of travel, m/s².</param>
/// <param name="MaxJerkMs3">Largest rate of change of the filtered acceleration, m/s³.</param>
/// <param name="VibrationMaxPeakToPeakMs2">Largest peak-to-peak vibration in the constant-speed region, m/s² (0 without such a region).</param>
/// <param name="VibrationA95Ms2">95th percentile of the peak-to-peak values in the constant-speed region, m/s².</param>
/// <param name="VibrationPairCount">How many peak-to-peak values the vibration figures rest on (0: no constant-speed region).</param>
/// <param name="ConstantSpeedSeconds">Length of the evaluated constant-speed region (after trimming the margins).</param>
/// <param name="AccelerationSamples">Accelerometer samples seen during the trip.</param>
public readonly record struct RideQualityMetrics(
    float MaxAccelerationMs2,
    float MaxDecelerationMs2,
    float MaxJerkMs3,
    float VibrationMaxPeakToPeakMs2,
    float VibrationA95Ms2,
    int VibrationPairCount,
    float ConstantSpeedSeconds,
    int AccelerationSamples);
