using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EdgeGateway.Uplink.Mqtt;

/// <summary>Loads the TLS material named in the options (at connect time, never during validation) and checks the broker against a private CA.</summary>
internal static class TlsTrust
{
    public static X509Certificate2 LoadClientCertificate(string certFile, string? keyFile, string? password)
    {
        try
        {
            if (string.IsNullOrWhiteSpace(keyFile))
            {
                return X509CertificateLoader.LoadPkcs12FromFile(certFile, password);
            }

            using var pem = X509Certificate2.CreateFromPemFile(certFile, keyFile);
            // A PEM key is ephemeral; a PKCS#12 round trip gives SslStream a key it can use on every platform.
            return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            var key = string.IsNullOrWhiteSpace(keyFile) ? string.Empty : $" with key file '{keyFile}'";
            throw new InvalidDataException($"Mqtt:Tls:ClientCertFile: '{certFile}'{key} cannot be loaded: {e.Message}", e);
        }
    }

    public static X509Certificate2Collection LoadCertificateAuthority(string caFile)
    {
        var collection = new X509Certificate2Collection();
        try
        {
            collection.ImportFromPemFile(caFile);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"Mqtt:Tls:CaFile: '{caFile}' cannot be loaded: {e.Message}", e);
        }

        return collection.Count > 0 ? collection : throw new InvalidDataException($"Mqtt:Tls:CaFile: '{caFile}' holds no PEM certificate.");
    }

    /// <summary>The broker's certificate must name the host and chain to one of <paramref name="trust"/> (and only those).</summary>
    public static bool Validate(X509Certificate? certificate, SslPolicyErrors errors, X509Certificate2Collection trust)
    {
        if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0)
        {
            return false;
        }

        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(trust);
        // Boxes rarely reach a CRL/OCSP responder on a private PKI; revocation is handled by re-issuing the CA.
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(leaf);
    }
}
