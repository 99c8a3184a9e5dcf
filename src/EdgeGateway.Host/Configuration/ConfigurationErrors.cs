using Microsoft.Extensions.Options;

namespace EdgeGateway.Host.Configuration;

/// <summary>Turns the start-up validation exceptions of every options section into one list of lines for the user.</summary>
public static class ConfigurationErrors
{
    public static bool TryCollect(Exception exception, out IReadOnlyList<string> failures)
    {
        var lines = new List<string>();
        Collect(exception, lines);
        failures = lines;
        return lines.Count > 0;
    }

    private static void Collect(Exception exception, List<string> lines)
    {
        switch (exception)
        {
            case OptionsValidationException validation:
                lines.AddRange(validation.Failures);
                break;
            case AggregateException aggregate:
                foreach (var inner in aggregate.InnerExceptions)
                {
                    Collect(inner, lines);
                }

                break;
            case InvalidDataException or FormatException when exception.Message.Contains("configuration", StringComparison.OrdinalIgnoreCase)
                || exception.Message.Contains("JSON", StringComparison.OrdinalIgnoreCase):
                lines.Add(exception.Message + (exception.InnerException is { } i ? " " + i.Message : string.Empty));
                break;
            case InvalidOperationException { InnerException: { } inner } when exception.Message.Contains("Failed to convert configuration value", StringComparison.Ordinal):
                lines.Add(exception.Message + " " + inner.Message);
                break;
            case { InnerException: { } inner }:
                Collect(inner, lines);
                break;
        }
    }
}
