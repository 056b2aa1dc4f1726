using StackExchange.Redis;

namespace Bastio.Gateway.Limits.Redis;

/// <summary>
/// Builds the Redis connection from <c>--redis</c> (a StackExchange.Redis configuration string such as
/// <c>redis:6379,ssl=true</c>), the password from <c>--redis-password-file</c> or <c>BASTIO_REDIS_PASSWORD</c>
/// (so it never sits in the pod spec or the process list), and <c>--redis-ca-file</c> for a private CA.
/// The gateway starts and serves while Redis is down; the connection keeps retrying in the background.
/// </summary>
internal static class RedisConnection
{
    public const string PasswordVariable = "BASTIO_REDIS_PASSWORD";

    public static ConfigurationOptions Options(string configuration, string? passwordFile, string? caFile, TimeSpan decisionBudget)
    {
        var options = ConfigurationOptions.Parse(configuration);
        if (passwordFile is { Length: > 0 })
        {
            options.Password = File.ReadAllText(passwordFile).TrimEnd('\r', '\n');
        }
        else if (Environment.GetEnvironmentVariable(PasswordVariable) is { Length: > 0 } password)
        {
            options.Password = password;
        }

        if (caFile is { Length: > 0 })
        {
            options.Ssl = true;
            options.TrustIssuer(caFile);
        }

        options.AbortOnConnectFail = false;

        // Commands issued while disconnected fail at once instead of queueing past the decision budget.
        options.BacklogPolicy = BacklogPolicy.FailFast;
        var timeout = (int)Math.Max(decisionBudget.TotalMilliseconds, 1);
        options.AsyncTimeout = Math.Max(options.AsyncTimeout == 5000 ? timeout : options.AsyncTimeout, timeout);
        options.ConnectTimeout = Math.Min(options.ConnectTimeout, 5000);
        options.ClientName ??= "bastio-gateway";
        return options;
    }
}
