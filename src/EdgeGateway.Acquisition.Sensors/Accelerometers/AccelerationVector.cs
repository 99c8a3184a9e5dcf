using System.Runtime.InteropServices;

namespace EdgeGateway.Acquisition.Sensors.Accelerometers;

/// <summary>One 3-axis acceleration in m/s² (chip frame as read, or box frame after calibration).</summary>
[StructLayout(LayoutKind.Sequential)]
public readonly record struct AccelerationVector(float X, float Y, float Z)
{
    /// <summary>Standard gravity (CGPM 1901, ISO 80000-3): the m/s² of one "g" in every datasheet.</summary>
    public const float StandardGravity = 9.80665f;

    public float Magnitude => MathF.Sqrt((X * X) + (Y * Y) + (Z * Z));

    public static AccelerationVector FromG(double x, double y, double z) =>
        new((float)(x * StandardGravity), (float)(y * StandardGravity), (float)(z * StandardGravity));

    public override string ToString() => FormattableString.Invariant($"[{X:0.000}, {Y:0.000}, {Z:0.000}] m/s²");
}

/// <summary>The accelerometer parts this gateway has drivers for.</summary>
public enum AccelerometerChip
{
    Lis3dh,
    Adxl345,
}
