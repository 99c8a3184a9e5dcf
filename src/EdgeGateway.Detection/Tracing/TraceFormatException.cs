namespace EdgeGateway.Detection.Tracing;

/// <summary>A trace that does not follow edge-trace/1: names the 1-based line and what is wrong with it.</summary>
public sealed class TraceFormatException : Exception
{
    public TraceFormatException()
    {
    }

    public TraceFormatException(string message)
        : base(message)
    {
    }

    public TraceFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public TraceFormatException(long lineNumber, string problem, Exception? innerException = null)
        : base($"line {lineNumber}: {problem}", innerException)
    {
        LineNumber = lineNumber;
        Problem = problem;
    }

    public long LineNumber { get; }

    public string Problem { get; } = "";
}
