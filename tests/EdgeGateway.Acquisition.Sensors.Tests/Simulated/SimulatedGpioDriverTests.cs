using System.Device.Gpio;
using EdgeGateway.Acquisition.Sensors.Simulated;

namespace EdgeGateway.Acquisition.Sensors.Tests.Simulated;

/// <summary>The simulated driver honours the GpioDriver contract as GpioController uses it.</summary>
public sealed class SimulatedGpioDriverTests
{
    private readonly SimulatedGpioChip _chip = new(number: 0, lineCount: 8);

    [Fact]
    public void Controller_reads_what_the_outside_world_drives_and_bias_decides_a_floating_line()
    {
        using var controller = new GpioController(_chip.OpenDriver());
        controller.OpenPin(3, PinMode.InputPullUp);
        controller.OpenPin(4, PinMode.InputPullDown);

        Assert.Equal(PinValue.High, controller.Read(3));
        Assert.Equal(PinValue.Low, controller.Read(4));
        _chip.SetInput(3, PinValue.Low);
        Assert.Equal(PinValue.Low, controller.Read(3));
        _chip.Disconnect(3);
        Assert.Equal(PinValue.High, controller.Read(3));
    }

    [Fact]
    public void Callbacks_fire_per_edge_type_and_stop_after_unregistering()
    {
        using var controller = new GpioController(_chip.OpenDriver());
        controller.OpenPin(1, PinMode.Input);
        var seen = new List<PinEventTypes>();
        void Handler(object sender, PinValueChangedEventArgs e) => seen.Add(e.ChangeType);
        controller.RegisterCallbackForPinValueChangedEvent(1, PinEventTypes.Rising, Handler);

        _chip.SetInput(1, PinValue.High);
        _chip.SetInput(1, PinValue.High); // no change, no edge
        _chip.SetInput(1, PinValue.Low);  // falling: not subscribed
        _chip.InjectBounce(1, PinValue.High, bounces: 2); // rises 3 times: H L H L H

        Assert.Equal([PinEventTypes.Rising, PinEventTypes.Rising, PinEventTypes.Rising, PinEventTypes.Rising], seen);
        controller.UnregisterCallbackForPinValueChangedEvent(1, Handler);
        _chip.SetInput(1, PinValue.Low);
        _chip.SetInput(1, PinValue.High);
        Assert.Equal(4, seen.Count);
    }

    [Fact]
    public async Task WaitForEvent_returns_the_edge_or_times_out_on_cancellation()
    {
        using var controller = new GpioController(_chip.OpenDriver());
        controller.OpenPin(2, PinMode.Input);

        var timedOut = controller.WaitForEvent(2, PinEventTypes.Falling, TimeSpan.FromMilliseconds(20));
        Assert.True(timedOut.TimedOut);

        var waiting = controller.WaitForEventAsync(2, PinEventTypes.Rising, TimeSpan.FromSeconds(30)).AsTask();
        await Eventually.True(() => { _chip.SetInput(2, PinValue.Low); _chip.SetInput(2, PinValue.High); return waiting.IsCompleted; }, "rising edge seen");
        var result = await waiting;
        Assert.False(result.TimedOut);
        Assert.Equal(PinEventTypes.Rising, result.EventTypes);
    }

    [Fact]
    public void A_line_held_by_another_requester_is_busy_and_released_on_dispose()
    {
        var first = new GpioController(_chip.OpenDriver());
        first.OpenPin(5, PinMode.Input);
        using var second = new GpioController(_chip.OpenDriver());

        Assert.Throws<IOException>(() => second.OpenPin(5, PinMode.Input));
        first.Dispose();
        Assert.False(_chip.IsOpen(5));
        second.OpenPin(5, PinMode.Input);
        Assert.True(_chip.IsOpen(5));
    }
}
