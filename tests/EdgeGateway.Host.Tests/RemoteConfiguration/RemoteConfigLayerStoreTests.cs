using EdgeGateway.Host.RemoteConfiguration;
using EdgeGateway.Testing.Files;

namespace EdgeGateway.Host.Tests.RemoteConfiguration;

public sealed class RemoteConfigLayerStoreTests : IDisposable
{
    private readonly TempDirectory _temp = new("edgegw-rcs-");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void No_file_means_no_remote_layer()
    {
        Assert.Null(new RemoteConfigLayerStore(_temp.Path).Load(out var problem, out var quarantinedTo));
        Assert.Null(problem);
        Assert.Null(quarantinedTo);
    }

    [Fact]
    public void A_saved_layer_is_read_back_and_no_temporary_file_is_left()
    {
        var store = new RemoteConfigLayerStore(_temp.Path);
        store.Save("""{"Detection":{"EntrapmentSeconds":45}}""");

        Assert.Equal("""{"Detection":{"EntrapmentSeconds":45}}""", store.Load(out var problem, out _));
        Assert.Null(problem);
        Assert.Equal([store.Path], Directory.GetFiles(Path.GetDirectoryName(store.Path)!));
    }

    [Fact]
    public void A_corrupt_layer_is_moved_aside_with_the_reason_and_the_box_runs_without_it()
    {
        var store = new RemoteConfigLayerStore(_temp.Path);
        Directory.CreateDirectory(Path.GetDirectoryName(store.Path)!);
        File.WriteAllText(store.Path, """{"Detection":{"EntrapmentSec""");

        Assert.Null(store.Load(out var problem, out var quarantinedTo));

        Assert.Contains("not valid JSON", problem, StringComparison.Ordinal);
        Assert.False(File.Exists(store.Path));
        Assert.True(File.Exists(quarantinedTo), quarantinedTo);
        var aside = Assert.Single(Directory.GetFiles(Path.GetDirectoryName(store.Path)!, "remote.json.rejected-*.reason.txt"));
        Assert.Contains("not valid JSON", File.ReadAllText(aside), StringComparison.Ordinal);
    }
}
