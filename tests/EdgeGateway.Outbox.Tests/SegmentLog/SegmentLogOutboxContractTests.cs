using EdgeGateway.Outbox.SegmentLog;

namespace EdgeGateway.Outbox.Tests.SegmentLog;

public sealed class SegmentLogOutboxContractTests : OutboxContractTests
{
    protected override async Task<IOutbox> OpenAsync(OutboxOptions options, TimeProvider time) =>
        await SegmentLogOutbox.OpenAsync(options, logger: null, time);
}
