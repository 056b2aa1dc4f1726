using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Bastio.Gateway.Limits.Redis;
using StackExchange.Redis;

namespace Bastio.Gateway.Tests.Unit;

/// <summary>How <c>--redis</c>, <c>--redis-password-file</c> and <c>--redis-ca-file</c> become the connection settings.</summary>
/// <remarks>Not in parallel with the gateway processes of the Redis tests: they inherit the environment this sets.</remarks>
[Collection(Redis.RedisCollection.Name)]
public sealed class RedisConnectionTests
{
    [Fact]
    public void The_password_comes_from_the_file_and_a_ca_file_turns_tls_on()
    {
        var directory = Directory.CreateTempSubdirectory("bastio-redis-");
        try
        {
            var passwordFile = Path.Combine(directory.FullName, "password");
            File.WriteAllText(passwordFile, "s3cret-from-file\n");
            using var key = ECDsa.Create();
            using var ca = new CertificateRequest("CN=test-ca", key, HashAlgorithmName.SHA256).CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
            var caFile = Path.Combine(directory.FullName, "ca.crt");
            File.WriteAllText(caFile, ca.ExportCertificatePem());

            var options = RedisConnection.Options("redis.cache:6380", passwordFile, caFile, TimeSpan.FromMilliseconds(250));

            options.Password.Should().Be("s3cret-from-file", "the trailing newline of a mounted Secret is not part of the password");
            options.Ssl.Should().BeTrue();
            options.AbortOnConnectFail.Should().BeFalse("the gateway starts and serves while Redis is down");
            options.BacklogPolicy.Should().Be(BacklogPolicy.FailFast, "a decision must not queue behind a lost connection");
            options.AsyncTimeout.Should().BeGreaterThanOrEqualTo(250);
            options.EndPoints.Should().ContainSingle();
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void Without_a_file_the_password_comes_from_the_environment()
    {
        var before = Environment.GetEnvironmentVariable(RedisConnection.PasswordVariable);
        try
        {
            Environment.SetEnvironmentVariable(RedisConnection.PasswordVariable, "s3cret-from-env");

            var options = RedisConnection.Options("redis.cache:6379,ssl=true", null, null, TimeSpan.FromMilliseconds(100));

            options.Password.Should().Be("s3cret-from-env");
            options.Ssl.Should().BeTrue("ssl=true in --redis turns TLS on with the system trust store");
        }
        finally
        {
            Environment.SetEnvironmentVariable(RedisConnection.PasswordVariable, before);
        }
    }
}
