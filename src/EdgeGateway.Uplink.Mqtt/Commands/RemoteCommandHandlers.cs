namespace EdgeGateway.Uplink.Mqtt.Commands;

/// <summary>
/// The box's configuration as remote commands see it. Implemented by the host, which owns the pipeline.
/// set_config runs: <see cref="Validate"/> → <see cref="ExportForRollback"/> → <see cref="ApplyAsync"/>(new); when that
/// throws, <see cref="ApplyAsync"/>(previous) restores the old configuration and the command reports the failure.
/// </summary>
public interface IRemoteConfigTarget
{
    /// <summary>The configuration in effect as JSON, secrets redacted (it is published on the response topic).</summary>
    string GetConfigJson();

    /// <summary>The full configuration in effect, secrets included, to restore it if a new one fails. Never published or logged.</summary>
    string ExportForRollback();

    /// <summary>Every problem with <paramref name="configJson"/>, each naming its key path; empty when valid. No side effects, no I/O.</summary>
    IReadOnlyList<string> Validate(string configJson);

    /// <summary>
    /// Writes <paramref name="configJson"/> atomically (temp file + rename) and restarts the pipeline with it. Throws when the
    /// pipeline fails to start with it (the message says why).
    /// </summary>
    Task ApplyAsync(string configJson, CancellationToken cancellationToken);

    /// <summary>
    /// Called once the response to an accepted set_config has been published (or could not be). Settings of the uplink
    /// itself take effect from here, so the response leaves on the connection that received the command.
    /// </summary>
    void AcceptedResponseSent()
    {
    }
}

/// <summary>Black-box captures (edge-trace/1 files) the platform may ask for by id.</summary>
public interface IBlackBoxStore
{
    /// <summary>The capture's bytes, or null when no capture has that id.</summary>
    ValueTask<ReadOnlyMemory<byte>?> ReadCaptureAsync(string captureId, CancellationToken cancellationToken);
}

/// <summary>A technician reports arrival at the lift: one end of a rescue episode (domain brief, maintenance KPIs).</summary>
public interface ITechnicianCheckIn
{
    /// <param name="monotonicMicros">When the check-in arrived, on the box's monotonic clock.</param>
    void CheckIn(string technicianId, string? note, long monotonicMicros);
}

/// <summary>What the host provides for remote commands; a missing one makes its command answer "not supported on this box".</summary>
public sealed record RemoteCommandHandlers(
    IRemoteConfigTarget? Config = null,
    IBlackBoxStore? BlackBox = null,
    ITechnicianCheckIn? CheckIn = null)
{
    public static RemoteCommandHandlers None { get; } = new();
}
