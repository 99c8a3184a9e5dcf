using BenchmarkDotNet.Attributes;
using EdgeGateway.Acquisition.Sensors.Accelerometers;
using EdgeGateway.Acquisition.Sensors.Calibration;
using EdgeGateway.Acquisition.Sensors.Simulated;
using EdgeGateway.Core.Acquisition;
using EdgeGateway.Core.Signals;
using EdgeGateway.Core.Time;

namespace EdgeGateway.Benchmarks.Sensors;

/// <summary>
/// Cost per accelerometer sample from FIFO bytes to the hot loop's ring: FIFO status read, burst transfer (simulated
/// register map standing in for i2c-dev), decode, timestamp spreading, calibration rotation, LiftSample into a
/// power-of-two ring. One invocation is one 16-sample batch (the driver's watermark at 400 Hz), reported per sample.
/// <see cref="FillFifoOnly"/> is the simulated part's own cost of acquiring the 16 samples, to subtract.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class AccelerometerFifoBenchmarks
{
    private const int Batch = 16;

    private SimulatedI2cChip _chip = null!;
    private AccelerometerReader _reader = null!;
    private RingWriter _ring = null!;
    private AccelerationVector _sample;

    [Params(AccelerometerChip.Lis3dh, AccelerometerChip.Adxl345)]
    public AccelerometerChip Chip { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _chip = Chip == AccelerometerChip.Lis3dh ? new SimulatedLis3dh() : new SimulatedAdxl345();
        var driver = AccelerometerDrivers.Create(Chip, _chip);
        if (!driver.TryInitialise(400, 4, out var problem))
        {
            throw new InvalidOperationException(problem);
        }

        _reader = new AccelerometerReader(driver, MonotonicClock.System)
        {
            Rotation = Rotation3.AligningToUp(new AccelerationVector(0.0698f, -0.9976f, 0)),
        };
        _ring = new RingWriter(4096);
        _sample = AccelerationVector.FromG(0.05, -0.99, 0.02);
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public int FillFifoOnly()
    {
        for (var i = 0; i < Batch; i++)
        {
            _chip.PushSample(_sample);
        }

        // Keep the FIFO from filling up: bypass mode clears it, then stream mode again (FIFO_CTRL_REG 2Eh / FIFO_CTL 38h).
        var fifoControl = (byte)(Chip == AccelerometerChip.Lis3dh ? 0x2E : 0x38);
        _chip.Write([fifoControl, 0x00]);
        _chip.Write([fifoControl, 0x80 | 16]);
        return Batch;
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public int FifoBytesToRing()
    {
        for (var i = 0; i < Batch; i++)
        {
            _chip.PushSample(_sample);
        }

        return _reader.ReadBatch(_ring);
    }

    /// <summary>The hot loop's input: a preallocated power-of-two ring of samples that overwrites when full.</summary>
    private sealed class RingWriter(int capacity) : ISampleWriter
    {
        private readonly LiftSample[] _ring = new LiftSample[capacity];
        private readonly int _mask = capacity - 1;
        private long _next;

        public bool TryWrite(in LiftSample sample)
        {
            _ring[_next++ & _mask] = sample;
            return true;
        }
    }
}
