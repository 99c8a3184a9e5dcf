using EdgeGateway.Host.Pipeline;

namespace EdgeGateway.Host.Tests.Pipeline;

public class PipelineCommandHandlersTests
{
    [Theory]
    [InlineData("bb-m845323-door_open_failure.trace.jsonl", true)]
    [InlineData("bb-20261123T080000Z-entrapment.trace.jsonl", true)]
    [InlineData("../etc/passwd", false)]
    [InlineData("bb-../../secret.trace.jsonl", false)]
    [InlineData("bb-x/../../y.trace.jsonl", false)]
    [InlineData("counters.json", false)]
    [InlineData("", false)]
    public void Only_the_boxs_own_capture_files_can_be_requested(string captureId, bool allowed)
    {
        Assert.Equal(allowed, PipelineCommandHandlers.IsCaptureName(captureId));
    }
}
