using System.Threading.Tasks.Sources;

namespace EdgeGateway.Outbox.SegmentLog;

/// <summary>
/// A pooled, reusable completion for one append or removal, so a durable append allocates nothing in steady state. The
/// writer thread never runs callers' continuations: it queues the waiter itself as a thread-pool work item (no closure,
/// no allocation), and the continuation runs there.
/// </summary>
internal sealed class Waiter : IValueTaskSource<long>, IValueTaskSource, IThreadPoolWorkItem
{
    private readonly Action<Waiter> _return;
    private ManualResetValueTaskSourceCore<long> _core;
    private long _result;
    private Exception? _error;

    public Waiter(Action<Waiter> returnToPool)
    {
        _return = returnToPool;
        _core.RunContinuationsAsynchronously = false;
    }

    public short Version => _core.Version;

    public void Complete(long result)
    {
        _result = result;
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    public void Fail(Exception error)
    {
        _error = error;
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    void IThreadPoolWorkItem.Execute()
    {
        if (_error is { } error)
        {
            _core.SetException(error);
        }
        else
        {
            _core.SetResult(_result);
        }
    }

    public long GetResult(short token)
    {
        try
        {
            return _core.GetResult(token);
        }
        finally
        {
            _core.Reset();
            _error = null;
            _return(this);
        }
    }

    void IValueTaskSource.GetResult(short token) => GetResult(token);

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
