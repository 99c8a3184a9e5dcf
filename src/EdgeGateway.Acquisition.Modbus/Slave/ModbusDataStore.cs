namespace EdgeGateway.Acquisition.Modbus.Slave;

/// <summary>
/// The four data tables of a slave (Modbus Application Protocol V1.1b3, §4.3), each sized as the device exposes it:
/// an address at or beyond a table's size is answered with ILLEGAL DATA ADDRESS, as a real controller does.
/// Not thread-safe on its own: <see cref="ModbusSlave"/> serialises access under <see cref="SyncRoot"/>.
/// </summary>
public sealed class ModbusDataStore
{
    public ModbusDataStore(int coils, int discreteInputs, int inputRegisters, int holdingRegisters)
    {
        Coils = new bool[Check(coils)];
        DiscreteInputs = new bool[Check(discreteInputs)];
        InputRegisters = new ushort[Check(inputRegisters)];
        HoldingRegisters = new ushort[Check(holdingRegisters)];
    }

    public bool[] Coils { get; }

    public bool[] DiscreteInputs { get; }

    public ushort[] InputRegisters { get; }

    public ushort[] HoldingRegisters { get; }

    public Lock SyncRoot { get; } = new();

    private static int Check(int size) =>
        size is >= 0 and <= 0x10000 ? size : throw new ArgumentOutOfRangeException(nameof(size), size, "A table holds 0..65536 entries.");
}
