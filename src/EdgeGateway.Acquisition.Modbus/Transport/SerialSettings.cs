using System.IO.Ports;

namespace EdgeGateway.Acquisition.Modbus.Transport;

/// <summary>Serial line settings. Modbus RTU uses 8 data bits (serial line spec §2.5.1); parity even is the spec's default.</summary>
public sealed record SerialSettings(string PortName, int BaudRate, Parity Parity = Parity.None, StopBits StopBits = StopBits.One)
{
    public const int DataBits = 8;

    /// <summary>"8N1", "8E1", "8N2" as installers write it.</summary>
    public string Framing => $"{DataBits}{ParityLetter(Parity)}{(StopBits == StopBits.Two ? 2 : 1)}";

    public override string ToString() => $"{PortName} {BaudRate} {Framing}";

    public static char ParityLetter(Parity parity) => parity switch
    {
        Parity.Even => 'E',
        Parity.Odd => 'O',
        Parity.Mark => 'M',
        Parity.Space => 'S',
        _ => 'N',
    };

    /// <summary>Parses "none", "even", "odd" (also "n", "e", "o"); false for anything else.</summary>
    public static bool TryParseParity(string? text, out Parity parity)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "none" or "n": parity = Parity.None; return true;
            case "even" or "e": parity = Parity.Even; return true;
            case "odd" or "o": parity = Parity.Odd; return true;
            default: parity = Parity.None; return false;
        }
    }
}
