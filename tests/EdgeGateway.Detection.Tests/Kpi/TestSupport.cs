using System.Collections.Concurrent;
using EdgeGateway.Core.Time;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Detection.Tests.Kpi;

/// <summary>A wall clock the test sets: synchronised or not, at a given time.</summary>
internal sealed class SettableWallClock(DateTimeOffset now, bool synchronized = true) : IWallClock
{
    public bool IsSynchronized { get; set; } = synchronized;

    public DateTimeOffset UtcNow { get; set; } = now;
}

/// <summary>Keeps every log line so a test can check that an error names the file.</summary>
internal sealed class CapturingLoggerFactory : ILoggerFactory
{
    public ConcurrentQueue<(LogLevel Level, string Message)> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    private sealed class Logger(CapturingLoggerFactory owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Lines.Enqueue((logLevel, formatter(state, exception)));
    }
}

