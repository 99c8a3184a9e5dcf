using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeGateway.Host.RemoteConfiguration;

namespace EdgeGateway.Host.Tests.RemoteConfiguration;

public class ConfigurationJsonTests
{
    [Fact]
    public void Leaves_become_configuration_keys_with_array_indexes()
    {
        using var document = JsonDocument.Parse("""{"A":{"B":1,"C":[{"D":"x"},{"D":null}],"E":true,"F":{}}}""");

        var leaves = ConfigurationJson.Flatten(document.RootElement);

        Assert.Equal("1", leaves["a:b"]);
        Assert.Equal("x", leaves["A:C:0:D"]);
        Assert.Null(leaves["A:C:1:D"]);
        Assert.Equal("true", leaves["A:E"]);
        Assert.True(leaves.ContainsKey("A:F"));
        Assert.Equal(5, leaves.Count);
    }

    [Fact]
    public void Removing_a_leaf_prunes_the_objects_it_empties_and_keeps_its_siblings()
    {
        var root = JsonNode.Parse("""{"Mqtt":{"Tls":{"Enabled":true}},"Detection":{"X":1,"Y":2}}""")!.AsObject();

        ConfigurationJson.RemoveLeaf(root, "mqtt:tls:enabled");
        ConfigurationJson.RemoveLeaf(root, "Detection:X");

        Assert.Equal("""{"Detection":{"Y":2}}""", root.ToJsonString());
    }

    [Theory]
    [InlineData("True", "true", true)]
    [InlineData("Protobuf", "protobuf", true)]
    [InlineData(null, "", true)]
    [InlineData("30", "45", false)]
    public void Values_compare_as_configuration_reads_them(string? a, string? b, bool same) =>
        Assert.Equal(same, ConfigurationJson.SameValue(a, b));
}
