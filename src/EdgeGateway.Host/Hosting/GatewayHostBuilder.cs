using EdgeGateway.Host.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Serilog;
using Serilog.Events;

namespace EdgeGateway.Host.Hosting;

/// <summary>
/// Builds the generic host every long-running command shares: configuration (embedded defaults, then an optional
/// JSON file, then EDGEGW_ environment variables, then --set overrides), Serilog to the console and a rolling file,
/// systemd integration, and options validated at start-up with every error reported at once.
/// </summary>
public static class GatewayHostBuilder
{
    public const string EnvironmentPrefix = "EDGEGW_";

    /// <summary>Reads configuration the way the service does (without a remote layer); throws <see cref="InvalidDataException"/> naming a bad file.</summary>
    public static IConfigurationRoot BuildConfiguration(string? configFile, IReadOnlyDictionary<string, string?> overrides) =>
        ConfigurationLayers.Read(configFile, overrides).Compose(null);

    public static HostApplicationBuilder Create(IConfiguration configuration, bool consoleLogging, LogEventLevel consoleLevel = LogEventLevel.Information)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings
        {
            ApplicationName = "edgegw",
            ContentRootPath = Directory.GetCurrentDirectory(),
        });
        builder.Configuration.AddConfiguration(configuration);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddOptions<HostOptions>().Configure(o =>
        {
            o.ShutdownTimeout = TimeSpan.FromSeconds(10);
            // A failing background service is logged by the service itself; the others must keep running.
            o.BackgroundServiceExceptionBehavior = BackgroundServiceExceptionBehavior.Ignore;
        });
        builder.Services.AddSystemd();

        var gateway = configuration.GetSection(GatewayOptions.SectionName).Get<GatewayOptions>() ?? new GatewayOptions();
        var logDirectory = Path.Combine(string.IsNullOrWhiteSpace(gateway.DataDirectory) ? "data" : gateway.DataDirectory, "logs");
        var logger = new LoggerConfiguration()
            .MinimumLevel.Information()
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .MinimumLevel.Override("System", LogEventLevel.Warning)
            // A start-up failure is reported by edgegw itself, every configuration error at once; not as a stack trace.
            .MinimumLevel.Override("Microsoft.Extensions.Hosting.Internal.Host", LogEventLevel.Fatal)
            .Enrich.FromLogContext()
            .WriteTo.File(
                Path.Combine(logDirectory, "edgegw-.log"),
                rollingInterval: RollingInterval.Day,
                fileSizeLimitBytes: 10 * 1024 * 1024,
                rollOnFileSizeLimit: true,
                retainedFileCountLimit: 7,
                outputTemplate: "{Timestamp:yyyy-MM-dd HH:mm:ss.fff zzz} [{Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}");
        if (consoleLogging)
        {
            // Under systemd the journal adds its own timestamp; a plain line per event is what it wants.
            logger.WriteTo.Console(consoleLevel, outputTemplate: "[{Level:u3}] {Message:lj}{NewLine}{Exception}", standardErrorFromLevel: null);
        }

        Serilog.Log.Logger = logger.CreateLogger();
        builder.Services.AddSerilog(Serilog.Log.Logger, dispose: true);
        return builder;
    }
}
