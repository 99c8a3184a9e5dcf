using EdgeGateway.Acquisition.Modbus.Maps;
using EdgeGateway.Core.Signals;

namespace EdgeGateway.Acquisition.Modbus.Slave;

/// <summary>
/// Gives the current controller state (e.g. the simulated lift's).
/// </summary>
public delegate LiftState ControllerStateProvider();

/// <summary>
/// A Modbus slave that presents a lift controller's state through a register map: before each request it takes the
/// state from the provider and encodes every mapped signal into its tables, exactly as the master will decode them.
/// When the state says <c>link</c> is false (a controller that stopped answering) the slave stays silent.
/// Tables are sized to the map, so addresses outside it are answered with ILLEGAL DATA ADDRESS.
/// </summary>
public sealed class ControllerSlave : ModbusSlave
{
    private readonly RegisterMap _map;
    private readonly ControllerStateProvider _state;

    public ControllerSlave(byte slaveId, RegisterMap map, ControllerStateProvider state)
        : base(slaveId, CreateStore(map))
    {
        _map = map;
        _state = state;
    }

    public RegisterMap Map => _map;

    protected override bool BeforeRequest()
    {
        var state = _state();
        if (state.IsKnown(SignalMask.Link) && !state.Link)
        {
            return false;
        }

        Encode(_map, state, Store);
        return true;
    }

    /// <summary>Writes every signal of <paramref name="map"/> that <paramref name="state"/> knows into <paramref name="store"/>.</summary>
    public static void Encode(RegisterMap map, in LiftState state, ModbusDataStore store)
    {
        foreach (var b in map.Signals)
        {
            if (!state.IsKnown(b.Signal))
            {
                continue;
            }

            switch (b.Type)
            {
                case RegisterValueType.Bit:
                    var on = BooleanOf(b.Signal, state) != b.Invert;
                    if (b.Table == RegisterTable.Coil)
                    {
                        store.Coils[b.Address] = on;
                    }
                    else if (b.Table == RegisterTable.DiscreteInput)
                    {
                        store.DiscreteInputs[b.Address] = on;
                    }
                    else
                    {
                        var registers = TableOf(b.Table, store);
                        var mask = (ushort)(1 << b.Bit);
                        registers[b.Address] = on ? (ushort)(registers[b.Address] | mask) : (ushort)(registers[b.Address] & ~mask);
                    }

                    break;
                case RegisterValueType.Enum:
                    if (RegisterCodec.TryEncodeEnum(b, IntegerOf(b.Signal, state), out var raw))
                    {
                        TableOf(b.Table, store)[b.Address] = raw;
                    }

                    break;
                default:
                    RegisterCodec.WriteNumber(b, IntegerOf(b.Signal, state), TableOf(b.Table, store).AsSpan(b.Address, b.Width));
                    break;
            }
        }
    }

    private static ushort[] TableOf(RegisterTable table, ModbusDataStore store) =>
        table == RegisterTable.InputRegister ? store.InputRegisters : store.HoldingRegisters;

    private static bool BooleanOf(SignalMask signal, in LiftState s) => signal switch
    {
        SignalMask.Run => s.Run,
        SignalMask.Lock => s.Lock,
        SignalMask.Safety => s.Safety,
        SignalMask.Zone => s.Zone,
        SignalMask.Occupied => s.Occupied,
        SignalMask.Alarm => s.Alarm,
        SignalMask.Mains => s.Mains,
        _ => false,
    };

    private static int IntegerOf(SignalMask signal, in LiftState s) => signal switch
    {
        SignalMask.Mode => (int)s.Mode,
        SignalMask.Dir => (int)s.Dir,
        SignalMask.Door => (int)s.Door,
        SignalMask.Floor => s.Floor,
        SignalMask.Fault => s.Fault,
        SignalMask.Speed => s.SpeedMmS,
        _ => 0,
    };

    private static ModbusDataStore CreateStore(RegisterMap map)
    {
        int coils = 0, discretes = 0, inputs = 0, holdings = 0;
        foreach (var b in map.Signals)
        {
            var end = b.LastAddress + 1;
            switch (b.Table)
            {
                case RegisterTable.Coil: coils = Math.Max(coils, end); break;
                case RegisterTable.DiscreteInput: discretes = Math.Max(discretes, end); break;
                case RegisterTable.InputRegister: inputs = Math.Max(inputs, end); break;
                default: holdings = Math.Max(holdings, end); break;
            }
        }

        return new ModbusDataStore(coils, discretes, inputs, holdings);
    }
}
