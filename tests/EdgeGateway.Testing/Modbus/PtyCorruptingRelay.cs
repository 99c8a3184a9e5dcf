namespace EdgeGateway.Testing.Modbus;

/// <summary>
/// A relay between two pty pairs that damages traffic on purpose: the master opens <see cref="MasterEnd"/>, the slave
/// listens on <see cref="SlaveEnd"/>, and the relay copies bytes between the inner ends. What it does to responses
/// (slave → master) is switched at run time by <see cref="Mode"/>: pass them, flip one bit (CRC error), drop them,
/// prefix garbage, or cut them short. With <see cref="EchoRequests"/> it also returns each request to the master,
/// as a half-duplex USB-RS485 adapter without echo cancellation does.
/// </summary>
public sealed class PtyCorruptingRelay : IDisposable
{
    private readonly SocatPtyPair _masterSide;
    private readonly SocatPtyPair _slaveSide;
    private readonly FileStream _towardMaster;
    private readonly FileStream _towardSlave;
    private readonly Thread _requests;
    private readonly Thread _responses;
    private volatile bool _stopping;
    private long _responsesSeen;
    private long _responsesDamaged;

    public PtyCorruptingRelay()
    {
        _masterSide = new SocatPtyPair();
        _slaveSide = new SocatPtyPair();
        _towardMaster = Open(_masterSide.EndA);
        _towardSlave = Open(_slaveSide.EndA);
        _requests = new Thread(CopyRequests) { IsBackground = true, Name = "relay requests" };
        _responses = new Thread(CopyResponses) { IsBackground = true, Name = "relay responses" };
        _requests.Start();
        _responses.Start();
    }

    public enum DamageMode
    {
        Pass,
        FlipBit,
        Drop,
        GarbageFirst,
        Truncate,
    }

    /// <summary>The device the master opens.</summary>
    public string MasterEnd => _masterSide.EndB;

    /// <summary>The device the slave serves.</summary>
    public string SlaveEnd => _slaveSide.EndB;

    public volatile DamageMode Mode;

    public volatile bool EchoRequests;

    /// <summary>Damage only every Nth response (1 = every one).</summary>
    public volatile int EveryNth = 1;

    public long ResponsesSeen => Interlocked.Read(ref _responsesSeen);

    public long ResponsesDamaged => Interlocked.Read(ref _responsesDamaged);

    public void Dispose()
    {
        _stopping = true;
        // Killing socat hangs up the ptys, which ends the relay threads' blocking reads.
        _masterSide.Dispose();
        _slaveSide.Dispose();
        _requests.Join(TimeSpan.FromSeconds(5));
        _responses.Join(TimeSpan.FromSeconds(5));
        _towardMaster.Dispose();
        _towardSlave.Dispose();
    }

    private static FileStream Open(string link)
    {
        var device = File.ResolveLinkTarget(link, returnFinalTarget: true)?.FullName ?? link;
        return new FileStream(device, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, bufferSize: 0);
    }

    private void CopyRequests()
    {
        var buffer = new byte[512];
        while (!_stopping)
        {
            int read;
            try
            {
                read = _towardMaster.Read(buffer, 0, buffer.Length);
                if (read <= 0)
                {
                    return;
                }

                if (EchoRequests)
                {
                    _towardMaster.Write(buffer, 0, read);
                }

                _towardSlave.Write(buffer, 0, read);
            }
            catch (IOException)
            {
                return;
            }
        }
    }

    private void CopyResponses()
    {
        var buffer = new byte[512];
        while (!_stopping)
        {
            try
            {
                var read = _towardSlave.Read(buffer, 0, buffer.Length);
                if (read <= 0)
                {
                    return;
                }

                var seen = Interlocked.Increment(ref _responsesSeen);
                var mode = Mode;
                var damage = mode != DamageMode.Pass && seen % Math.Max(1, EveryNth) == 0;
                if (!damage)
                {
                    _towardMaster.Write(buffer, 0, read);
                    continue;
                }

                Interlocked.Increment(ref _responsesDamaged);
                switch (mode)
                {
                    case DamageMode.FlipBit:
                        buffer[read / 2] ^= 0x10;
                        _towardMaster.Write(buffer, 0, read);
                        break;
                    case DamageMode.GarbageFirst:
                        _towardMaster.Write([0x00, 0xFF, 0x55], 0, 3);
                        _towardMaster.Write(buffer, 0, read);
                        break;
                    case DamageMode.Truncate:
                        _towardMaster.Write(buffer, 0, Math.Max(1, read - 3));
                        break;
                    default:
                        break;
                }
            }
            catch (IOException)
            {
                return;
            }
        }
    }
}
