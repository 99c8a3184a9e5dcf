using EdgeGateway.Outbox.Sqlite;

namespace EdgeGateway.Outbox.Tests.Sqlite;

public sealed class SqliteOutboxContractTests : OutboxContractTests
{
    protected override async Task<IOutbox> OpenAsync(OutboxOptions options, TimeProvider time) =>
        await SqliteOutbox.OpenAsync(options, logger: null, time);
}
