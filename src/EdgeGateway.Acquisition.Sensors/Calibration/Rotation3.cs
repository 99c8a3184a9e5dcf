using EdgeGateway.Acquisition.Sensors.Accelerometers;

namespace EdgeGateway.Acquisition.Sensors.Calibration;

/// <summary>A 3×3 rotation matrix (row-major) from the chip frame to the box frame (z vertical, up positive).</summary>
public readonly record struct Rotation3(
    float M11, float M12, float M13,
    float M21, float M22, float M23,
    float M31, float M32, float M33)
{
    public static Rotation3 Identity { get; } = new(1, 0, 0, 0, 1, 0, 0, 0, 1);

    public bool IsIdentity => this == Identity;

    public AccelerationVector Apply(in AccelerationVector v) => new(
        (M11 * v.X) + (M12 * v.Y) + (M13 * v.Z),
        (M21 * v.X) + (M22 * v.Y) + (M23 * v.Z),
        (M31 * v.X) + (M32 * v.Y) + (M33 * v.Z));

    public Rotation3 Transpose() => new(M11, M21, M31, M12, M22, M32, M13, M23, M33);

    public double Determinant() =>
        (M11 * ((M22 * M33) - (M23 * M32))) - (M12 * ((M21 * M33) - (M23 * M31))) + (M13 * ((M21 * M32) - (M22 * M31)));

    /// <summary>True when the matrix is orthonormal with determinant +1 (a proper rotation) within <paramref name="tolerance"/>.</summary>
    public bool IsProperRotation(double tolerance = 1e-3)
    {
        ReadOnlySpan<float> m = [M11, M12, M13, M21, M22, M23, M31, M32, M33];
        for (var i = 0; i < 3; i++)
        {
            for (var j = 0; j < 3; j++)
            {
                // (R·Rᵀ)ij = row i · row j must be the identity.
                var dot = (m[i * 3] * m[j * 3]) + (m[(i * 3) + 1] * m[(j * 3) + 1]) + (m[(i * 3) + 2] * m[(j * 3) + 2]);
                if (Math.Abs(dot - (i == j ? 1 : 0)) > tolerance)
                {
                    return false;
                }
            }
        }

        return Math.Abs(Determinant() - 1) <= tolerance;
    }

    public float[] ToArray() => [M11, M12, M13, M21, M22, M23, M31, M32, M33];

    public static Rotation3 FromArray(ReadOnlySpan<float> m) =>
        m.Length == 9 ? new(m[0], m[1], m[2], m[3], m[4], m[5], m[6], m[7], m[8]) : throw new ArgumentException("A rotation has 9 elements.", nameof(m));

    /// <summary>
    /// The smallest rotation taking direction <paramref name="from"/> onto +z (Rodrigues' formula). Only gravity is
    /// known at rest, so the heading about the vertical is left where the chip had it: that is all z-based rules need.
    /// </summary>
    public static Rotation3 AligningToUp(in AccelerationVector from)
    {
        double length = from.Magnitude;
        if (length == 0)
        {
            throw new ArgumentException("A zero vector has no direction.", nameof(from));
        }

        double ux = from.X / length, uy = from.Y / length, uz = from.Z / length;
        // v = u × ẑ = (uy, -ux, 0); c = u · ẑ = uz.
        double vx = uy, vy = -ux, c = uz;
        if (c < -0.999999)
        {
            // Upside down: any half-turn about a horizontal axis; turn about x.
            return new Rotation3(1, 0, 0, 0, -1, 0, 0, 0, -1);
        }

        var k = 1 / (1 + c);
        // R = I + [v]× + [v]×² / (1 + c), with [v]× = [[0, 0, vy], [0, 0, -vx], [-vy, vx, 0]] for v = (vx, vy, 0).
        return new Rotation3(
            (float)(1 - (vy * vy * k)), (float)(vx * vy * k), (float)vy,
            (float)(vx * vy * k), (float)(1 - (vx * vx * k)), (float)-vx,
            (float)-vy, (float)vx, (float)(1 - (((vx * vx) + (vy * vy)) * k)));
    }
}
