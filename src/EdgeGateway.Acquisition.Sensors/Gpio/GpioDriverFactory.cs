using System.Device.Gpio;
using System.Device.Gpio.Drivers;

namespace EdgeGateway.Acquisition.Sensors.Gpio;

/// <summary>Opens the <see cref="GpioDriver"/> of one GPIO chip. Real boards use <see cref="LibGpiodDriverFactory"/>.</summary>
public interface IGpioDriverFactory
{
    /// <summary>Opens chip <paramref name="chip"/> (/dev/gpiochipN). The caller disposes the driver.</summary>
    GpioDriver Open(int chip);
}

/// <summary>
/// The character-device driver through libgpiod. Debian bookworm ships libgpiod v1 (libgpiod.so.2) and trixie v2
/// (libgpiod.so.3); System.Device.Gpio has a driver for each, so the v1 driver is tried first and v2 second.
/// </summary>
public sealed class LibGpiodDriverFactory : IGpioDriverFactory
{
    public GpioDriver Open(int chip)
    {
        try
        {
            return new LibGpiodDriver(chip);
        }
        catch (Exception v1) when (v1 is DllNotFoundException or PlatformNotSupportedException or EntryPointNotFoundException or TypeInitializationException)
        {
            return new LibGpiodV2Driver(chip);
        }
    }
}
