using System.IO.Ports;
using EdgeGateway.Acquisition.Modbus.Probing;
using EdgeGateway.Acquisition.Modbus.Protocol;
using EdgeGateway.Acquisition.Modbus.Slave;
using EdgeGateway.Acquisition.Modbus.Transport;
using EdgeGateway.Testing.Modbus;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.Acquisition.Modbus.Tests.Probing;

public class ModbusProbeTests
{
    [Fact]
    public void Finds_a_pymodbus_slave_on_a_pty_with_a_sample_read()
    {
        using var pty = new SocatPtyPair();
        using var slave = PymodbusSlave.Rtu(pty.EndA, 115200, 17);
        var report = ModbusProbe.ScanSerial(pty.EndB, new ModbusProbeOptions
        {
            BaudRates = [115200],
            Parities = [Parity.None],
            LastSlaveId = 20,
            AttemptTimeout = TimeSpan.FromMilliseconds(80),
        });
        var hit = Assert.Single(report.Hits);
        Assert.Equal((17, "115200 8N1", "holding"), (hit.SlaveId, hit.Settings, hit.SampleTable));
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (ushort)i), hit.Sample);
        Assert.Equal(20, report.Attempts);
        Assert.False(report.BudgetExhausted);
    }

    [Fact]
    public void Finds_a_pymodbus_unit_over_tcp()
    {
        using var slave = PymodbusSlave.Tcp(5);
        var report = ModbusProbe.ScanTcp("127.0.0.1", slave.TcpPort!.Value, new ModbusProbeOptions
        {
            LastSlaveId = 8,
            AttemptTimeout = TimeSpan.FromMilliseconds(100),
        });
        var hit = Assert.Single(report.Hits);
        Assert.Equal(5, hit.SlaveId);
        Assert.Equal(ModbusResult.Success, hit.Answer);
        Assert.Equal([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], hit.Sample.Select(v => (int)v));
    }

    [Fact]
    public void Scans_settings_until_one_answers_and_notes_garbled_ones()
    {
        var time = new FakeTimeProvider();
        var slave = new ModbusSlave(2, new ModbusDataStore(0, 0, 0, 20));
        slave.Store.HoldingRegisters[0] = 1234;
        var options = new ModbusProbeOptions
        {
            BaudRates = [9600, 19200],
            Parities = [Parity.Even, Parity.None],
            LastSlaveId = 10,
            QuickIds = 3,
        };
        var report = ModbusProbe.ScanSerial("/dev/ttyFAKE", options, s => new SimulatedLine(s, time, slave, answersAt: (19200, Parity.Even)), time);
        var hit = Assert.Single(report.Hits);
        Assert.Equal(("19200 8E1", 2, (ushort)1234), (hit.Settings, hit.SlaveId, hit.Sample[0]));
        Assert.Contains(report.Notes, n => n.StartsWith("9600 8E1: ", StringComparison.Ordinal) && n.Contains("baud rate or parity"));
        // Pass 1: ids 1..3 at 9600E, 9600N, 19200E (answers: 19200N is skipped, a bus has one setting);
        // pass 2: ids 4..10 only at the setting that answered.
        Assert.Equal((3 * 3) + 7, report.Attempts);
    }

    [Fact]
    public void The_scan_stops_at_its_budget()
    {
        var time = new FakeTimeProvider();
        var options = new ModbusProbeOptions { AttemptTimeout = TimeSpan.FromMilliseconds(100), TotalBudget = TimeSpan.FromSeconds(2) };
        var report = ModbusProbe.ScanSerial("/dev/ttyFAKE", options, s => new SimulatedLine(s, time, null, answersAt: (0, Parity.None)), time);
        Assert.True(report.BudgetExhausted);
        Assert.Empty(report.Hits);
        // Each silent attempt costs its 100 ms timeout plus the request's wire time on the fake clock: about 2 s / 0.1 s.
        Assert.InRange(report.Attempts, 18, 21);
        Assert.Contains(report.Notes, n => n.Contains("budget"));
    }

    /// <summary>
    /// A serial line on a fake clock: at the right settings a real <see cref="ModbusSlave"/> answers; at a setting with
    /// the right parity but wrong baud it returns garbage (as a UART does); otherwise silence, which costs the read's
    /// timeout on the fake clock.
    /// </summary>
    private sealed class SimulatedLine(SerialSettings settings, FakeTimeProvider time, ModbusSlave? slave, (int Baud, Parity Parity) answersAt) : IModbusTransport
    {
        private readonly byte[] _pending = new byte[256];
        private int _length;
        private int _position;

        public string Description => settings.ToString();

        public bool IsOpen { get; private set; }

        public void Open() => IsOpen = true;

        public void Close() => IsOpen = false;

        public void Dispose() => Close();

        public void DiscardInput() => _position = _length;

        public void Write(ReadOnlySpan<byte> data)
        {
            _length = _position = 0;
            if (slave is null)
            {
                return;
            }

            if (settings.BaudRate == answersAt.Baud && settings.Parity == answersAt.Parity)
            {
                if (data[0] == slave.SlaveId)
                {
                    var n = slave.Handle(data[1..^2], _pending.AsSpan(1));
                    _length = RtuFrame.Seal(_pending, slave.SlaveId, n);
                }
            }
            else if (settings.Parity == answersAt.Parity && data[0] == slave.SlaveId)
            {
                byte[] noise = [0xF0, 0x0F, 0xAA, 0x81, 0x7E];
                noise.CopyTo(_pending, 0);
                _length = noise.Length;
            }
        }

        public int Read(Span<byte> buffer, TimeSpan timeout)
        {
            if (_position >= _length)
            {
                time.Advance(timeout);
                return 0;
            }

            var n = Math.Min(buffer.Length, _length - _position);
            _pending.AsSpan(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }
    }
}
