using System.Globalization;
using System.Text;
using EdgeGateway.Acquisition.Sensors.Gpio;

namespace EdgeGateway.Acquisition.Sensors.Commissioning;

/// <summary>Plain-text renderings of <see cref="SensorReadingsSnapshot"/> (log lines when not on a terminal).</summary>
public static class SensorReadingsText
{
    /// <summary>"zone=on occupied=off alarm=off mains=on acc=[0.01, 0.02, 9.81] m/s² 400 Hz" plus any problems.</summary>
    public static string Line(SensorReadingsSnapshot snapshot, GpioOptions wiring, bool accelerometer)
    {
        var line = new StringBuilder();
        foreach (var input in snapshot.Inputs)
        {
            if (!wiring.Inputs.ContainsKey(GpioSignals.NameOf(input.Signal)))
            {
                continue;
            }

            line.Append(GpioSignals.NameOf(input.Signal)).Append('=').Append(State(input)).Append(' ');
        }

        if (accelerometer)
        {
            var a = snapshot.Acceleration;
            line.Append(CultureInfo.InvariantCulture, $"acc=[{a.X:0.00}, {a.Y:0.00}, {a.Z:0.00}] m/s² {snapshot.AccelerationRateHz:0} Hz");
        }

        foreach (var (sensor, problem) in snapshot.Problems.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            line.Append(" | FAULT ").Append(sensor).Append(": ").Append(problem);
        }

        return line.ToString().TrimEnd();
    }

    public static string State(InputReading input) => !input.Known ? "?" : input.Active ? "on" : "off";
}
