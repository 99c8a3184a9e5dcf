using System.Runtime.CompilerServices;
using EdgeGateway.Core.Signals;

namespace EdgeGateway.Simulation.Lift;

/// <summary>
/// The car door as a position from 0 (closed) to 1 (fully open) driven at constant rates, with the faults the field
/// shows: a panel that stalls while opening or closing, and an obstruction that makes closing reverse.
/// </summary>
internal sealed class DoorOperator
{
    private readonly double _openingRate;
    private readonly double _closingRate;

    public DoorOperator(double openingSeconds, double closingSeconds)
    {
        _openingRate = 1 / openingSeconds;
        _closingRate = 1 / closingSeconds;
    }

    public DoorState State { get; private set; } = DoorState.Closed;

    /// <summary>0 closed … 1 open.</summary>
    public double Position { get; private set; }

    /// <summary>Opening stalls when the panel reaches this fraction (NaN: no stall).</summary>
    public double StallOpeningAt { get; set; } = double.NaN;

    /// <summary>Closing stalls when the panel reaches this fraction (NaN: no stall).</summary>
    public double StallClosingAt { get; set; } = double.NaN;

    /// <summary>How many more closings an obstruction will reverse (the light curtain reopens the door).</summary>
    public int ReversalsRemaining { get; set; }

    /// <summary>Closing reverses when the panel reaches this fraction while an obstruction is present.</summary>
    public double ReverseAt { get; set; } = 0.5;

    public int Reversals { get; private set; }

    public void Open()
    {
        if (State != DoorState.Open)
        {
            State = DoorState.Opening;
        }
    }

    public void Close()
    {
        if (State != DoorState.Closed)
        {
            State = DoorState.Closing;
        }
    }

    public void ClearFaults()
    {
        StallOpeningAt = double.NaN;
        StallClosingAt = double.NaN;
        ReversalsRemaining = 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Step(double dt)
    {
        switch (State)
        {
            case DoorState.Opening:
                var opened = Position + (_openingRate * dt);
                if (!double.IsNaN(StallOpeningAt) && opened >= StallOpeningAt)
                {
                    Position = Math.Max(Position, StallOpeningAt);
                    return;
                }

                if (opened >= 1)
                {
                    Position = 1;
                    State = DoorState.Open;
                }
                else
                {
                    Position = opened;
                }

                break;

            case DoorState.Closing:
                var closed = Position - (_closingRate * dt);
                if (!double.IsNaN(StallClosingAt) && closed <= StallClosingAt)
                {
                    Position = Math.Min(Position, StallClosingAt);
                    return;
                }

                if (ReversalsRemaining > 0 && closed <= ReverseAt)
                {
                    ReversalsRemaining--;
                    Reversals++;
                    Position = ReverseAt;
                    State = DoorState.Opening;
                    return;
                }

                if (closed <= 0)
                {
                    Position = 0;
                    State = DoorState.Closed;
                }
                else
                {
                    Position = closed;
                }

                break;
        }
    }
}
