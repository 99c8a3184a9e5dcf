using EdgeGateway.Acquisition.Sensors.Accelerometers;
using EdgeGateway.Acquisition.Sensors.Calibration;

namespace EdgeGateway.Acquisition.Sensors.Tests.Calibration;

public sealed class CalibrationStoreTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("edgegw-cal-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Save_then_load_round_trips_and_leaves_no_temporary_file()
    {
        var store = new CalibrationStore(Path.Combine(_directory, "data"));
        var up = new AccelerationVector(0.5f, -9.7f, 0.3f);
        var saved = new AccelerometerCalibration(Rotation3.AligningToUp(up), up, "-Y", 3.4, 400, "LIS3DH", new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero));

        store.Save(saved);
        var loaded = store.Load();

        Assert.Equal(CalibrationLoadStatus.Loaded, loaded.Status);
        Assert.Equal(saved.Rotation, loaded.Calibration!.Rotation);
        Assert.Equal(saved.MeanGravity, loaded.Calibration.MeanGravity);
        Assert.Equal("-Y", loaded.Calibration.VerticalAxis);
        Assert.Equal(saved.CalibratedUtc, loaded.Calibration.CalibratedUtc);
        Assert.Equal([CalibrationStore.FileName], Directory.GetFiles(store.DataDirectory).Select(Path.GetFileName));
    }

    [Fact]
    public void Missing_file_is_missing_not_an_error()
    {
        Assert.Equal(CalibrationLoadStatus.Missing, new CalibrationStore(_directory).Load().Status);
    }

    [Theory]
    [InlineData("{ not json")]
    [InlineData("{\"version\":1}")]
    [InlineData("{\"version\":1,\"chip\":\"x\",\"calibrated_utc\":\"2025-01-01T00:00:00Z\",\"vertical_axis\":\"+Z\",\"tilt_deg\":0,\"samples\":1,\"mean_gravity\":[0,0,9.8],\"rotation\":[2,0,0,0,1,0,0,0,1]}")]
    [InlineData("{\"version\":7}")]
    public void A_corrupt_file_is_unusable_with_a_reason_naming_the_file(string content)
    {
        var store = new CalibrationStore(_directory);
        File.WriteAllText(store.FilePath, content);

        var loaded = store.Load();

        Assert.Equal(CalibrationLoadStatus.Unusable, loaded.Status);
        Assert.StartsWith(store.FilePath + ": ", loaded.Problem, StringComparison.Ordinal);
    }
}
