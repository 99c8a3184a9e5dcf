using BenchmarkDotNet.Attributes;
using EdgeGateway.Core.Acquisition;
using EdgeGateway.Core.Lift;
using EdgeGateway.Core.Signals;
using EdgeGateway.Simulation;
using EdgeGateway.Simulation.Lift;

namespace EdgeGateway.Benchmarks.Simulation;

/// <summary>
/// How fast the simulated lift runs: one operation is one simulated second of busy traffic (120 calls/h), so
/// simulated seconds per wall-clock second = 1 / mean. With the accelerometer off this bounds how quickly scenario
/// tests fast-forward a week; at 200 Hz it shows the real-time source's CPU share (1 s of simulation per second).
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class SimulatedLiftBenchmarks
{
    private const int SimulatedSecondsPerInvoke = 600;
    private SimulatedLift _lift = null!;
    private CountingWriter _writer = null!;

    [Params(0, 200)]
    public int AccelerometerHz { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _lift = new SimulatedLift(LiftProfile.Default, new SimulationOptions
        {
            Scenario = SimulationScenario.Traffic,
            TrafficCallsPerHour = 120,
            AccelerometerHz = AccelerometerHz,
            Seed = 42,
        });
        _writer = new CountingWriter();
        _lift.RunFor(TimeSpan.FromMinutes(10), _writer);
    }

    [Benchmark(OperationsPerInvoke = SimulatedSecondsPerInvoke)]
    public long SimulatedSecond()
    {
        _lift.RunFor(TimeSpan.FromSeconds(SimulatedSecondsPerInvoke), _writer);
        return _writer.Count;
    }

    private sealed class CountingWriter : ISampleWriter
    {
        public long Count;

        public bool TryWrite(in LiftSample sample)
        {
            Count++;
            return true;
        }
    }
}
