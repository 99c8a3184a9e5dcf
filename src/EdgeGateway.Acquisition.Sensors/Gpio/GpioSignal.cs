using EdgeGateway.Core.Signals;

namespace EdgeGateway.Acquisition.Sensors.Gpio;

/// <summary>The box's own digital inputs (domain brief, "The box and its people": the GPIO row of the wiring table).</summary>
public enum GpioSignal : byte
{
    /// <summary>Door-zone (levelling) sensor: active while the car is within the levelling zone.</summary>
    Zone,

    /// <summary>Car-door closed contact: active while the car door is closed.</summary>
    Door,

    /// <summary>Passenger presence sensor (PIR/radar): active while someone is in the car.</summary>
    Occupied,

    /// <summary>Car alarm button: active while pressed.</summary>
    Alarm,

    /// <summary>Mains-present input: active while mains power is present.</summary>
    Mains,
}

/// <summary>Configuration names of <see cref="GpioSignal"/> (the normalised signal names) and the samples an input produces.</summary>
public static class GpioSignals
{
    private static readonly GpioSignal[] AllSignals = [GpioSignal.Zone, GpioSignal.Door, GpioSignal.Occupied, GpioSignal.Alarm, GpioSignal.Mains];

    public static IReadOnlyList<GpioSignal> All => AllSignals;

    /// <summary>"zone, door, occupied, alarm, mains": for error messages.</summary>
    public static string KnownNames => "zone, door, occupied, alarm, mains";

    public static string NameOf(GpioSignal signal) => signal switch
    {
        GpioSignal.Zone => "zone",
        GpioSignal.Door => "door",
        GpioSignal.Occupied => "occupied",
        GpioSignal.Alarm => "alarm",
        _ => "mains",
    };

    public static bool TryParse(string? name, out GpioSignal signal)
    {
        switch (name?.Trim().ToLowerInvariant())
        {
            case "zone": signal = GpioSignal.Zone; return true;
            case "door": signal = GpioSignal.Door; return true;
            case "occupied": signal = GpioSignal.Occupied; return true;
            case "alarm": signal = GpioSignal.Alarm; return true;
            case "mains": signal = GpioSignal.Mains; return true;
            default: signal = GpioSignal.Zone; return false;
        }
    }

    public static SignalMask MaskOf(GpioSignal signal) => signal switch
    {
        GpioSignal.Zone => SignalMask.Zone,
        GpioSignal.Door => SignalMask.Door,
        GpioSignal.Occupied => SignalMask.Occupied,
        GpioSignal.Alarm => SignalMask.Alarm,
        _ => SignalMask.Mains,
    };

    /// <summary>
    /// The sample an input edge produces. The door contact is a "car door closed" contact, so it can only say
    /// closed (active) or open (inactive): it carries no opening/closing phase, which only the controller knows.
    /// </summary>
    public static LiftSample SampleOf(GpioSignal signal, long timeMicros, bool active) => signal switch
    {
        GpioSignal.Door => new LiftSample(timeMicros, SignalMask.Door, default, 0, default, false,
            active ? DoorState.Closed : DoorState.Open, false, false, 0, 0, false, false, false, false, false, 0, 0, 0),
        _ => LiftSample.Input(timeMicros, MaskOf(signal), active),
    };

    /// <summary>Reads back whether <paramref name="sample"/> says <paramref name="signal"/> is active; false when it does not carry it.</summary>
    public static bool TryGetActive(GpioSignal signal, in LiftSample sample, out bool active)
    {
        active = false;
        if (!sample.Has(MaskOf(signal)))
        {
            return false;
        }

        active = signal switch
        {
            GpioSignal.Zone => sample.Zone,
            GpioSignal.Door => sample.Door == DoorState.Closed,
            GpioSignal.Occupied => sample.Occupied,
            GpioSignal.Alarm => sample.Alarm,
            _ => sample.Mains,
        };
        return true;
    }
}
