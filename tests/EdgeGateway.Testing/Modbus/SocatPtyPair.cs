using System.Diagnostics;

namespace EdgeGateway.Testing.Modbus;

/// <summary>
/// A connected pair of pseudo-terminals made by socat (`socat pty,raw,echo=0,link=A pty,raw,echo=0,link=B`): what is
/// written to one end comes out of the other, like a null-modem cable. <see cref="Stop"/> makes both devices vanish
/// (as a USB adapter does when unplugged); <see cref="Start"/> brings them back under the same link names.
/// Ptys carry bytes only: baud rate and parity are accepted and ignored, and even parity is rejected by some ptys,
/// so tests use 8N1.
/// </summary>
public sealed class SocatPtyPair : IDisposable
{
    private Process? _socat;

    public SocatPtyPair(string? directory = null)
    {
        Directory = directory ?? Path.Combine(Path.GetTempPath(), "edgegw-pty-" + Guid.NewGuid().ToString("N")[..10]);
        System.IO.Directory.CreateDirectory(Directory);
        EndA = Path.Combine(Directory, "a");
        EndB = Path.Combine(Directory, "b");
        Start();
    }

    public string Directory { get; }

    /// <summary>The link to one end (e.g. where the slave listens).</summary>
    public string EndA { get; }

    /// <summary>The link to the other end (e.g. where the master opens).</summary>
    public string EndB { get; }

    public bool IsRunning => _socat is { HasExited: false };

    public void Start()
    {
        if (IsRunning)
        {
            return;
        }

        var info = new ProcessStartInfo("socat")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "-d", "-d", $"pty,raw,echo=0,link={EndA}", $"pty,raw,echo=0,link={EndB}" })
        {
            info.ArgumentList.Add(arg);
        }

        _socat = Process.Start(info) ?? throw new InvalidOperationException("socat did not start (is it installed? tools/install-test-deps.sh)");
        _socat.ErrorDataReceived += (_, _) => { };
        _socat.BeginErrorReadLine();
        _socat.BeginOutputReadLine();
        // Bounded wait for both links to appear.
        var deadline = Stopwatch.GetTimestamp() + (5 * Stopwatch.Frequency);
        while (!(File.Exists(EndA) && File.Exists(EndB)))
        {
            if (Stopwatch.GetTimestamp() > deadline || _socat.HasExited)
            {
                throw new InvalidOperationException($"socat did not create {EndA} and {EndB} within 5 s.");
            }

            Thread.Sleep(10);
        }
    }

    /// <summary>Kills socat: both pty devices and their links disappear.</summary>
    public void Stop()
    {
        var socat = _socat;
        _socat = null;
        if (socat is null)
        {
            return;
        }

        if (!socat.HasExited)
        {
            socat.Kill();
            socat.WaitForExit(5000);
        }

        socat.Dispose();
        // socat removes its links on a clean exit; after a kill they may stay behind pointing nowhere.
        TryDelete(EndA);
        TryDelete(EndB);
    }

    public void Dispose()
    {
        Stop();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
    }
}
