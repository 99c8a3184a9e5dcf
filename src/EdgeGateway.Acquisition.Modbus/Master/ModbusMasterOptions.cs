namespace EdgeGateway.Acquisition.Modbus.Master;

/// <summary>Timing and retry policy of a master. Defaults suit an RS-485 lift controller bus.</summary>
public sealed record ModbusMasterOptions
{
    /// <summary>How long to wait for the first byte of a response after the request left.</summary>
    public TimeSpan ResponseTimeout { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Extra attempts after a timeout or an invalid response (not after an exception response: the slave answered).</summary>
    public int Retries { get; init; } = 2;

    /// <summary>
    /// Silence kept after a response before the next request, on top of t3.5: gives a slow slave's RS-485 driver time
    /// to release the bus. 0 by default; some controllers need a few milliseconds.
    /// </summary>
    public TimeSpan TurnaroundDelay { get; init; } = TimeSpan.Zero;

    /// <summary>Serial line spec §2.4.1: after a broadcast the master waits a turnaround delay (typically 100–200 ms) so every slave can process it.</summary>
    public TimeSpan BroadcastTurnaroundDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Half-duplex USB-RS485 adapters without echo cancellation return our own request first: read it back and drop it.</summary>
    public bool SuppressLocalEcho { get; init; }

    /// <summary>
    /// Allowance for OS and USB-adapter latency added to the computed wire time of the rest of a frame once its first
    /// byte has arrived. USB serial adapters deliver bytes in bursts (FTDI latency timer 16 ms by default), so the
    /// bare t1.5 of §2.5.1.1 cannot be observed from user space; a frame that stalls longer than this is truncated.
    /// </summary>
    public TimeSpan FrameCompletionAllowance { get; init; } = TimeSpan.FromMilliseconds(50);
}
