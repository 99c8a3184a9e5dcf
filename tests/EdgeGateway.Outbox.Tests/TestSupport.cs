using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Outbox.Tests;

/// <summary>Keeps every log line with its level and event id, to assert what an operator would read.</summary>
public sealed class CollectingLogger : ILogger
{
    public ConcurrentQueue<(LogLevel Level, int EventId, string Message)> Entries { get; } = new();

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Entries.Enqueue((logLevel, eventId.Id, formatter(state, exception)));

    public string[] Messages(int eventId) => Entries.Where(e => e.EventId == eventId).Select(e => e.Message).ToArray();
}

public static class Messages
{
    public static readonly Guid Boot = Guid.Parse("5d6e4c1a-0b7f-4a43-9d1e-2f6c1b0a9e11");

    /// <summary>The wall time the contract suite's fake clock starts at (2026-11-23 08:00 UTC).</summary>
    public static readonly long Now = new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    public static OutboxAppend Make(MessageClass messageClass, string stream, string text, long monotonicMicros = 1_000, bool synchronized = true,
        long? wallUnixMillis = null) =>
        new(messageClass, stream, monotonicMicros, Boot, wallUnixMillis ?? Now, synchronized, Encoding.UTF8.GetBytes(text));

    public static OutboxAppend Sized(MessageClass messageClass, string stream, int payloadBytes, byte fill = 0x5A) =>
        new(messageClass, stream, 1_000, Boot, Now, true, Enumerable.Repeat(fill, payloadBytes).ToArray());

    public static string Text(this OutboxMessage message) => Encoding.UTF8.GetString(message.Payload.Span);
}
