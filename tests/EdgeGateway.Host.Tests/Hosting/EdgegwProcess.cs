using System.Collections.Concurrent;
using System.Diagnostics;

namespace EdgeGateway.Host.Tests.Hosting;

/// <summary>
/// A real <c>edgegw</c> child process, started the way systemd or an installer starts it (<c>dotnet edgegw.dll ...</c>),
/// with its output captured line by line. <see cref="Kill"/> is SIGKILL: no shutdown code runs.
/// </summary>
public sealed class EdgegwProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly SemaphoreSlim _lineArrived = new(0);

    private EdgegwProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public static string EntryAssembly => Path.Combine(AppContext.BaseDirectory, "edgegw.dll");

    public IReadOnlyCollection<string> Lines => _lines.ToArray();

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public static EdgegwProcess Start(IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(EntryAssembly);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        if (environment is not null)
        {
            foreach (var (key, value) in environment)
            {
                info.Environment[key] = value;
            }
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start dotnet edgegw.dll");
        return new EdgegwProcess(process);
    }

    /// <summary>Runs edgegw to completion and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(IEnumerable<string> arguments, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null)
    {
        using var child = Start(arguments, environment);
        child._process.StandardInput.Close();
        using var cts = new CancellationTokenSource(timeout);
        await child._process.WaitForExitAsync(cts.Token);
        child._process.WaitForExit(); // flushes the asynchronous output readers
        return (child._process.ExitCode, string.Join('\n', child._lines));
    }

    /// <summary>Waits until an output line contains <paramref name="text"/>; returns that line or throws with the output so far.</summary>
    public async Task<string> WaitForLineAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            foreach (var line in _lines)
            {
                if (line.Contains(text, StringComparison.Ordinal))
                {
                    return line;
                }
            }

            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || _process.HasExited)
            {
                throw new TimeoutException($"edgegw did not print '{text}' within {timeout} (exited: {_process.HasExited}). Output:\n{string.Join('\n', _lines)}");
            }

            await _lineArrived.WaitAsync(left < TimeSpan.FromMilliseconds(200) ? left : TimeSpan.FromMilliseconds(200));
        }
    }

    /// <summary>SIGKILL: the process gets no chance to flush or shut down.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
    }

    /// <summary>SIGTERM, the way systemd stops the service, then waits for a clean exit.</summary>
    public async Task<int> StopAsync(TimeSpan timeout)
    {
        if (!_process.HasExited)
        {
            using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            kill?.WaitForExit();
            using var cts = new CancellationTokenSource(timeout);
            await _process.WaitForExitAsync(cts.Token);
        }

        return _process.ExitCode;
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
        _lineArrived.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        _lines.Enqueue(line);
        _lineArrived.Release();
    }
}
