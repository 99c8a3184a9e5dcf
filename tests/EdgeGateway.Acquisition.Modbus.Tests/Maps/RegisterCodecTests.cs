using EdgeGateway.Acquisition.Modbus.Maps;
using EdgeGateway.Acquisition.Modbus.Slave;
using EdgeGateway.Core.Signals;

namespace EdgeGateway.Acquisition.Modbus.Tests.Maps;

public class RegisterCodecTests
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);

    private static LiftState State(LiftMode mode, int floor, TravelDirection dir, DoorState door, int fault, int speed, bool run, bool lk, bool safety)
    {
        var s = new LiftState();
        s.Apply(new LiftSample(1, SignalMask.Controller, mode, floor, dir, run, door, lk, safety, fault, speed, false, false, false, false, false, 0, 0, 0));
        return s;
    }

    /// <summary>Encodes like the simulated controller, decodes like the poller, through the same map.</summary>
    private static ControllerSampleBuilder RoundTrip(RegisterMap map, LiftState state)
    {
        var slave = new ControllerSlave(1, map, () => state);
        ControllerSlave.Encode(map, state, slave.Store);
        var sample = new ControllerSampleBuilder();
        foreach (var block in ReadPlanner.Plan(map))
        {
            switch (block.Table)
            {
                case RegisterTable.Coil: slave.Store.Coils.AsSpan(block.Start, block.Count).CopyTo(block.Bits); break;
                case RegisterTable.DiscreteInput: slave.Store.DiscreteInputs.AsSpan(block.Start, block.Count).CopyTo(block.Bits); break;
                case RegisterTable.InputRegister: slave.Store.InputRegisters.AsSpan(block.Start, block.Count).CopyTo(block.Registers); break;
                default: slave.Store.HoldingRegisters.AsSpan(block.Start, block.Count).CopyTo(block.Registers); break;
            }

            Assert.Equal(0, RegisterCodec.Decode(block, ref sample));
        }

        return sample;
    }

    [Theory]
    [InlineData(LiftMode.Normal, 7, TravelDirection.Up, DoorState.Closed, 0, 1750, true, true, true)]
    [InlineData(LiftMode.Inspection, -1, TravelDirection.Down, DoorState.Opening, 65535, -1200, false, false, true)]
    [InlineData(LiftMode.Fire, 0, TravelDirection.None, DoorState.Closing, 42, -2_000_000_000, true, false, false)]
    public void The_generic_map_round_trips_every_controller_signal(LiftMode mode, int floor, TravelDirection dir, DoorState door, int fault, int speed, bool run, bool lk, bool safety)
    {
        var map = RegisterMapLoader.Load(MapFiles.Generic, Poll);
        var s = RoundTrip(map, State(mode, floor, dir, door, fault, speed, run, lk, safety));
        Assert.Equal(SignalMask.Controller, s.Set);
        Assert.Equal((mode, floor, dir, door, fault, speed, run, lk, safety), (s.Mode, s.Floor, s.Dir, s.Door, s.Fault, s.SpeedMmS, s.Run, s.Lock, s.Safety));
    }

    [Fact]
    public void Word_order_scale_and_inversion_follow_the_map()
    {
        const string Json = """
            { "signals": [
              { "signal": "speed", "table": "input", "address": 0, "type": "s32", "wordOrder": "low_first", "scale": 10 },
              { "signal": "floor", "table": "input", "address": 2, "type": "u16", "scale": 1 },
              { "signal": "safety", "table": "discrete", "address": 0, "type": "bit", "invert": true },
              { "signal": "run", "table": "coil", "address": 3, "type": "bit" }
            ] }
            """;
        var map = RegisterMapLoader.Parse(Json, "x.json", Poll);
        var state = State(LiftMode.Normal, 12, TravelDirection.Up, DoorState.Closed, 0, -1230, true, true, true);
        var slave = new ControllerSlave(1, map, () => state);
        ControllerSlave.Encode(map, state, slave.Store);
        // -123 cm/s = 0xFFFFFF85: low word first.
        Assert.Equal(new ushort[] { 0xFF85, 0xFFFF, 12 }, slave.Store.InputRegisters);
        Assert.False(slave.Store.DiscreteInputs[0]);
        Assert.True(slave.Store.Coils[3]);
        var s = RoundTrip(map, state);
        Assert.Equal((-1230, 12, true, true), (s.SpeedMmS, s.Floor, s.Safety, s.Run));
    }

    [Fact]
    public void A_raw_value_the_enum_does_not_list_is_counted_and_mode_reads_unknown()
    {
        var map = RegisterMapLoader.Load(MapFiles.Generic, Poll);
        var block = Assert.Single(ReadPlanner.Plan(map));
        block.Registers[0] = 99;
        block.Registers[3] = 77;
        var sample = new ControllerSampleBuilder();
        Assert.Equal(2, RegisterCodec.Decode(block, ref sample));
        Assert.Equal(LiftMode.Unknown, sample.Mode);
        Assert.True((sample.Set & SignalMask.Mode) != 0);
        Assert.True((sample.Set & SignalMask.Door) == 0, "an unknown door code leaves door unset");
    }
}
