using System.CommandLine;
using System.CommandLine.Parsing;
using Bastio.Core;
using Bastio.Core.Networking;
using Bastio.Core.Time;
using Bastio.Gateway.Networking;

namespace Bastio.Gateway.Hosting;

/// <summary>The gateway's flags (docs/reference/flags.md#gateway).</summary>
public static class GatewayCommandLine
{
    private const string DefaultShutdownDelay = "5s";
    private const string DefaultShutdownTimeout = "25s";

    private static readonly Option<string?> Kubeconfig = new("--kubeconfig") { Description = "Kubeconfig file (default: KUBECONFIG, ~/.kube/config, then in-cluster)" };
    private static readonly Option<string?> Context = new("--context") { Description = "Kubeconfig context (default: the current context)" };
    private static readonly Option<string> SystemNamespace = new("--system-namespace") { Description = "Namespace of the encryption key and every Secret the gateway reads", DefaultValueFactory = _ => WellKnown.DefaultSystemNamespace };
    private static readonly Option<string> Address = new("--address") { Description = "Listen address of both ports", DefaultValueFactory = _ => "0.0.0.0" };
    private static readonly Option<int> Port = new("--port") { Description = "Port for client traffic; 0 picks a free port", DefaultValueFactory = _ => DefaultPort("BASTIO_GATEWAY_PORT", 18080) };
    private static readonly Option<int> AdminPort = new("--admin-port") { Description = "Port of /metrics, /healthz and /readyz; 0 picks a free port", DefaultValueFactory = _ => DefaultPort("BASTIO_GATEWAY_ADMIN_PORT", 18090) };
    private static readonly Option<string?> TrustedProxies = new("--trusted-proxies") { Description = "Comma-separated CIDRs whose X-Forwarded-For is believed (IPv4 and IPv6)" };
    private static readonly Option<string> MaxStaleness = new("--max-staleness") { Description = "Refuse traffic (503 gateway_not_ready) after this long without a confirmed sync", DefaultValueFactory = _ => "5m" };
    private static readonly Option<string?> Environments = new("--environments") { Description = "Comma-separated environments to serve: production, staging, development (or live, test, dev); default all" };

    private static readonly Option<string?> UpstreamAllowCidrs = new("--upstream-allow-cidrs") { Description = "Comma-separated CIDRs Proxy upstreams may connect to besides public addresses (loopback, private and link-local are refused by default)" };
    private static readonly Option<string?> UpstreamCaFile = new("--upstream-ca-file") { Description = "PEM bundle of CAs trusted for upstreams in addition to the system store" };

    private static readonly Option<string> ShutdownDelay = new("--shutdown-delay") { Description = "After SIGTERM/SIGINT, keep accepting connections this long while /readyz answers 503 (for endpoint removal)", DefaultValueFactory = _ => DefaultShutdownDelay };
    private static readonly Option<string> ShutdownTimeout = new("--shutdown-timeout") { Description = "After SIGTERM/SIGINT, cut in-flight requests still running this long after the signal; keep below the pod's terminationGracePeriodSeconds", DefaultValueFactory = _ => DefaultShutdownTimeout };
    private static readonly Option<int> MaxConnections = new("--max-connections") { Description = "Client connections open at once; further ones are closed when accepted (0: no limit)", DefaultValueFactory = _ => 10_000 };
    private static readonly Option<string> KeepAliveTimeout = new("--keep-alive-timeout") { Description = "Close a client connection idle this long between requests", DefaultValueFactory = _ => "130s" };
    private static readonly Option<string?> Redis = new("--redis") { Description = "Shared rate-limit store: a StackExchange.Redis configuration such as redis:6379 or redis:6380,ssl=true; unset keeps limits, token limits and budgets in this process" };
    private static readonly Option<string?> RedisPasswordFile = new("--redis-password-file") { Description = "File holding the Redis password (default: the BASTIO_REDIS_PASSWORD environment variable)" };
    private static readonly Option<string?> RedisCaFile = new("--redis-ca-file") { Description = "PEM CA certificate that signs the Redis server certificate; implies TLS" };
    private static readonly Option<string> StoreTimeout = new("--store-timeout") { Description = "Longest an admission decision waits for the shared store before --store-failure applies", DefaultValueFactory = _ => "100ms" };
    private static readonly Option<string> StoreFailure = new("--store-failure") { Description = "When the shared store fails or is slow: local (per-replica limits until it is back) or deny (503 rate_limit_store_unavailable, /readyz 503)", DefaultValueFactory = _ => "local" };

    public static RootCommand Create(Func<GatewayOptions, CancellationToken, Task<int>> run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var root = new RootCommand("Bastio gateway: checks Bastio API keys and forwards AI provider calls with the provider's key.")
        {
            Kubeconfig, Context, SystemNamespace, Address, Port, AdminPort, TrustedProxies, MaxStaleness, Environments,
            UpstreamAllowCidrs, UpstreamCaFile,
            ShutdownDelay, ShutdownTimeout, MaxConnections, KeepAliveTimeout,
            Redis, RedisPasswordFile, RedisCaFile, StoreTimeout, StoreFailure,
        };
        root.Validators.Add(Validate);
        root.SetAction((result, ct) => run(Bind(result), ct));
        return root;
    }

    internal static GatewayOptions Bind(ParseResult result)
    {
        var options = new GatewayOptions
        {
            Kubeconfig = result.GetValue(Kubeconfig),
            Context = result.GetValue(Context),
            SystemNamespace = result.GetValue(SystemNamespace)!,
            Address = result.GetValue(Address)!,
            Port = result.GetValue(Port),
            AdminPort = result.GetValue(AdminPort),
            MaxStaleness = GoDuration.Parse(result.GetValue(MaxStaleness)!),
            UpstreamAddresses = UpstreamAddressPolicy.Create(Split(result.GetValue(UpstreamAllowCidrs))),
            UpstreamTrust = UpstreamTrust.Load(result.GetValue(UpstreamCaFile)),
            ShutdownDelay = GoDuration.Parse(result.GetValue(ShutdownDelay)!),
            ShutdownTimeout = GoDuration.Parse(result.GetValue(ShutdownTimeout)!),
            MaxConnections = result.GetValue(MaxConnections),
            KeepAliveTimeout = GoDuration.Parse(result.GetValue(KeepAliveTimeout)!),
            Redis = result.GetValue(Redis),
            RedisPasswordFile = result.GetValue(RedisPasswordFile),
            RedisCaFile = result.GetValue(RedisCaFile),
            StoreTimeout = GoDuration.Parse(result.GetValue(StoreTimeout)!),
            StoreFailure = result.GetValue(StoreFailure) == "deny" ? Limits.StoreFailureMode.Deny : Limits.StoreFailureMode.Local,
        };
        foreach (var cidr in Split(result.GetValue(TrustedProxies)))
        {
            options.TrustedProxies.Add(cidr);
        }

        foreach (var environment in Split(result.GetValue(Environments)))
        {
            options.Environments.Add(environment);
        }

        return options;
    }

    private static void Validate(CommandResult result)
    {
        // A command-level validator sees no value for an option left out, not its default; defaults are
        // valid by construction, so only what the user typed is checked here.
        if (Given(result, MaxStaleness) is { } staleness
            && (!GoDuration.TryParse(staleness, out var parsed, out var error) || parsed <= TimeSpan.Zero))
        {
            result.AddError($"--max-staleness: {error ?? "must be positive"}.");
        }

        ValidateShutdown(result);
        if (Given(result, KeepAliveTimeout) is { } keepAlive
            && (!GoDuration.TryParse(keepAlive, out var keepAliveTimeout, out var keepAliveError) || keepAliveTimeout <= TimeSpan.Zero))
        {
            result.AddError($"--keep-alive-timeout: {keepAliveError ?? "must be positive"}.");
        }

        if (result.GetResult(MaxConnections) is not null && result.GetValue(MaxConnections) < 0)
        {
            result.AddError("--max-connections must be 0 (no limit) or more.");
        }

        foreach (var option in new[] { Port, AdminPort })
        {
            if (result.GetResult(option) is not null && result.GetValue(option) is < 0 or > 65535)
            {
                result.AddError($"{option.Name} must be between 0 and 65535.");
            }
        }

        if (Given(result, Address) is { } address && !System.Net.IPAddress.TryParse(address, out _))
        {
            result.AddError($"--address '{address}' is not an IP address.");
        }

        if (!IpAllowList.TryParse(Split(result.GetValue(TrustedProxies)), out _, out var invalid))
        {
            result.AddError($"--trusted-proxies: '{invalid}' is not an IP address or CIDR.");
        }

        if (!UpstreamAddressPolicy.TryCreate(Split(result.GetValue(UpstreamAllowCidrs)), out _, out var invalidCidr))
        {
            result.AddError($"--upstream-allow-cidrs: '{invalidCidr}' is not an IP address or CIDR.");
        }

        if (result.GetValue(UpstreamCaFile) is { Length: > 0 } caFile && !File.Exists(caFile))
        {
            result.AddError($"--upstream-ca-file: '{caFile}' does not exist.");
        }

        if (Given(result, StoreTimeout) is { } storeTimeout
            && (!GoDuration.TryParse(storeTimeout, out var budget, out var budgetError) || budget <= TimeSpan.Zero))
        {
            result.AddError($"--store-timeout: {budgetError ?? "must be positive"}.");
        }

        if (Given(result, StoreFailure) is { } failure && failure is not ("deny" or "local"))
        {
            result.AddError($"--store-failure '{failure}' is not deny or local.");
        }

        if (result.GetValue(Redis) is { } redis)
        {
            try
            {
                if (StackExchange.Redis.ConfigurationOptions.Parse(redis).EndPoints.Count == 0)
                {
                    result.AddError("--redis names no host:port.");
                }
            }
            catch (ArgumentException ex)
            {
                result.AddError($"--redis: {ex.Message}");
            }
        }

        try
        {
            GatewayHost.ParseEnvironments(Split(result.GetValue(Environments)));
        }
        catch (ArgumentException ex)
        {
            result.AddError(ex.Message.Split(" (Parameter", 2)[0]);
        }
    }

    private static void ValidateShutdown(CommandResult result)
    {
        var delayText = Given(result, ShutdownDelay) ?? DefaultShutdownDelay;
        var timeoutText = Given(result, ShutdownTimeout) ?? DefaultShutdownTimeout;
        if (!GoDuration.TryParse(delayText, out var delay, out var delayError) || delay < TimeSpan.Zero)
        {
            result.AddError($"--shutdown-delay: {delayError ?? "must not be negative"}.");
        }
        else if (!GoDuration.TryParse(timeoutText, out var timeout, out var timeoutError) || timeout <= TimeSpan.Zero)
        {
            result.AddError($"--shutdown-timeout: {timeoutError ?? "must be positive"}.");
        }
        else if (delay >= timeout)
        {
            result.AddError($"--shutdown-delay ({delayText}) must be shorter than --shutdown-timeout ({timeoutText}), which counts from the signal.");
        }
    }

    private static string? Given(CommandResult result, Option<string> option) =>
        result.GetResult(option) is null ? null : result.GetValue(option);

    private static string[] Split(string? list) =>
        list is null ? [] : list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static int DefaultPort(string variable, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(variable), out var port) ? port : fallback;
}
