using System.Diagnostics;

namespace EdgeGateway.Testing.Mqtt;

/// <summary>
/// A throw-away PKI made with the real <c>openssl</c> binary: a CA, a broker certificate for 127.0.0.1/localhost and a
/// client certificate signed by the CA, plus a client certificate from an unrelated CA (for "refused" tests).
/// All files are PEM in <see cref="Directory"/>; keys are unencrypted (test material only).
/// </summary>
public sealed class TestCertificates
{
    private TestCertificates(string directory)
    {
        Directory = directory;
    }

    public string Directory { get; }

    public string CaCertFile => Path.Combine(Directory, "ca.crt");

    public string ServerCertFile => Path.Combine(Directory, "server.crt");

    public string ServerKeyFile => Path.Combine(Directory, "server.key");

    public string ClientCertFile => Path.Combine(Directory, "client.crt");

    public string ClientKeyFile => Path.Combine(Directory, "client.key");

    /// <summary>A client certificate signed by a different CA: the broker must refuse it.</summary>
    public string RogueClientCertFile => Path.Combine(Directory, "rogue-client.crt");

    public string RogueClientKeyFile => Path.Combine(Directory, "rogue-client.key");

    /// <summary>Generates the whole set in <paramref name="directory"/> (created when missing). Takes about a second.</summary>
    public static TestCertificates Generate(string directory, string clientCommonName = "edgegw-test-box")
    {
        System.IO.Directory.CreateDirectory(directory);
        var c = new TestCertificates(directory);
        OpenSsl(directory, "req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 -subj /CN=edgegw-test-ca");
        File.WriteAllText(Path.Combine(directory, "server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n");
        OpenSsl(directory, "req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj /CN=localhost");
        OpenSsl(directory, "x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out server.crt -days 2 -extfile server.ext");
        File.WriteAllText(Path.Combine(directory, "client.ext"), "extendedKeyUsage=clientAuth\n");
        OpenSsl(directory, $"req -newkey rsa:2048 -nodes -keyout client.key -out client.csr -subj /CN={clientCommonName}");
        OpenSsl(directory, "x509 -req -in client.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out client.crt -days 2 -extfile client.ext");
        OpenSsl(directory, "req -x509 -newkey rsa:2048 -nodes -keyout rogue-ca.key -out rogue-ca.crt -days 2 -subj /CN=rogue-ca");
        OpenSsl(directory, "req -newkey rsa:2048 -nodes -keyout rogue-client.key -out rogue-client.csr -subj /CN=rogue");
        OpenSsl(directory, "x509 -req -in rogue-client.csr -CA rogue-ca.crt -CAkey rogue-ca.key -CAcreateserial -out rogue-client.crt -days 2 -extfile client.ext");
        return c;
    }

    /// <summary>Writes a PKCS#12 bundle of the client certificate and key (for PFX-path options), returns its path.</summary>
    public string ExportClientPfx(string password)
    {
        OpenSsl(Directory, $"pkcs12 -export -in client.crt -inkey client.key -out client.pfx -passout pass:{password}");
        return Path.Combine(Directory, "client.pfx");
    }

    private static void OpenSsl(string directory, string arguments)
    {
        var start = new ProcessStartInfo("openssl", arguments)
        {
            WorkingDirectory = directory,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("openssl could not be started (is it installed?)");
        var stderr = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(60_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"openssl {arguments} did not finish within 60 s");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"openssl {arguments} failed with exit code {process.ExitCode}: {stderr.Result}");
        }
    }
}
