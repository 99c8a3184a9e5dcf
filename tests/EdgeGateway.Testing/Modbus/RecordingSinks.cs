using System.Collections.Concurrent;
using System.Diagnostics;
using EdgeGateway.Core.Acquisition;
using EdgeGateway.Core.Signals;

namespace EdgeGateway.Testing.Modbus;

/// <summary>Keeps every sample written, for acquisition tests. Thread-safe.</summary>
public sealed class RecordingSampleWriter : ISampleWriter
{
    private readonly ConcurrentQueue<LiftSample> _samples = new();

    public IReadOnlyList<LiftSample> Samples => [.. _samples];

    public int Count => _samples.Count;

    public bool TryWrite(in LiftSample sample)
    {
        _samples.Enqueue(sample);
        return true;
    }

    /// <summary>The last sample that set <paramref name="signal"/>, or null.</summary>
    public LiftSample? Last(SignalMask signal)
    {
        LiftSample? last = null;
        foreach (var s in _samples)
        {
            if (s.Has(signal))
            {
                last = s;
            }
        }

        return last;
    }

    /// <summary>Waits (bounded) until a written sample satisfies <paramref name="predicate"/>; returns it or null at the deadline.</summary>
    public LiftSample? WaitFor(Func<LiftSample, bool> predicate, TimeSpan timeout, int skip = 0)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            var i = 0;
            foreach (var s in _samples)
            {
                if (i++ >= skip && predicate(s))
                {
                    return s;
                }
            }

            if (Stopwatch.GetTimestamp() > deadline)
            {
                return null;
            }

            Thread.Sleep(10);
        }
    }
}

/// <summary>Keeps every health report. Thread-safe.</summary>
public sealed class RecordingHealthReporter : ISensorHealthReporter
{
    private readonly ConcurrentQueue<(string Sensor, string? Problem)> _reports = new();

    public IReadOnlyList<(string Sensor, string? Problem)> Reports => [.. _reports];

    public void Report(string sensor, string? problem) => _reports.Enqueue((sensor, problem));
}

/// <summary>Finds files of the repository (register maps) from a test's output directory.</summary>
public static class RepositoryFiles
{
    public static string Find(string relativePath, [System.Runtime.CompilerServices.CallerFilePath] string thisFile = "")
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null)
        {
            var candidate = Path.Combine(dir.FullName, relativePath);
            if (File.Exists(candidate))
            {
                return candidate;
            }

            dir = dir.Parent;
        }

        // Built outside the tree (an artifacts path under /tmp): the repository is where this file was compiled from.
        var fromSource = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile) ?? ".", "..", "..", "..", relativePath));
        return File.Exists(fromSource) ? fromSource : throw new FileNotFoundException($"{relativePath} not found above {AppContext.BaseDirectory} or {fromSource}");
    }
}
