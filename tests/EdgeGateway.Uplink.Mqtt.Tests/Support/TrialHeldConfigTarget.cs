using EdgeGateway.Uplink.Mqtt.Commands;

namespace EdgeGateway.Uplink.Mqtt.Tests.Support;

/// <summary>A configuration target whose apply (the pipeline restart and its trial) lasts until the test ends it.</summary>
internal sealed class TrialHeldConfigTarget : IRemoteConfigTarget
{
    private string _current = "{}";
    private int _applyCalls;

    public TaskCompletionSource<string> TrialStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource EndTrial { get; set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int ApplyCalls => Volatile.Read(ref _applyCalls);

    public string GetConfigJson() => Volatile.Read(ref _current);

    public string ExportForRollback() => Volatile.Read(ref _current);

    public IReadOnlyList<string> Validate(string configJson) => [];

    public async Task ApplyAsync(string configJson, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _applyCalls);
        TrialStarted.TrySetResult(configJson);
        await EndTrial.Task.WaitAsync(cancellationToken);
        Volatile.Write(ref _current, configJson);
    }
}
