using System.CommandLine;
using System.CommandLine.Parsing;
using Bastio.Core;
using Bastio.Core.Networking;
using Bastio.Core.Time;
using Bastio.Kubernetes.Api;
using k8s.Exceptions;

namespace Bastio.Operator.Configuration;

/// <summary>
/// The operator's command line: the root command runs the controllers, <c>rotate</c> requests a
/// rotation of one ApiKey and waits for it (what the rotation CronJob's pod runs).
/// </summary>
public static class OperatorCommandLine
{
    private static readonly Option<string?> Kubeconfig = new("--kubeconfig") { Description = "Kubeconfig file (default: KUBECONFIG, ~/.kube/config, then in-cluster)", Recursive = true };
    private static readonly Option<string?> Context = new("--context") { Description = "Kubeconfig context (default: the current context)", Recursive = true };
    private static readonly Option<string> SystemNamespace = new("--system-namespace") { Description = "Namespace of the encryption key and every Secret the gateway reads", DefaultValueFactory = _ => WellKnown.DefaultSystemNamespace };
    private static readonly Option<string> AdminAddress = new("--admin-address") { Description = "Address of the admin endpoint (/metrics, /healthz, /readyz)", DefaultValueFactory = _ => "0.0.0.0" };
    private static readonly Option<int> AdminPort = new("--admin-port") { Description = "Port of the admin endpoint; 0 picks a free port", DefaultValueFactory = _ => 18091 };
    private static readonly Option<bool> LeaderElect = new("--leader-elect") { Description = "Run as one of several replicas: only the Lease holder reconciles" };
    private static readonly Option<string?> WatchNamespaces = new("--watch-namespaces") { Description = "Comma-separated namespaces to reconcile (default: all)" };
    private static readonly Option<string?> RotatorImage = new("--rotator-image") { Description = "Image of rotation CronJob pods (the operator image)" };
    private static readonly Option<string?> RotatorServiceAccount = new("--rotator-service-account") { Description = "ServiceAccount of rotation CronJob pods" };
    private static readonly Option<string?> GatewayUrl = new("--gateway-url") { Description = "Gateway base URL written as baseUrl into delivery Secrets" };
    private static readonly Option<string?> ValidationTimeout = new("--validation-timeout") { Description = "Timeout of a provider key validation request, as a duration like 10s" };
    private static readonly Option<string?> SweepInterval = new("--sweep-interval") { Description = "Interval of the orphan sweep, as a duration like 10m" };
    private static readonly Option<string?> DeliveryAckTimeout = new("--delivery-ack-timeout") { Description = "How long a new key waits for every serving gateway replica to acknowledge its verifier before it is delivered anyway, as a duration like 30s" };
    private static readonly Option<double> KubeApiQps = new("--kube-api-qps") { Description = "Sustained requests per second to the API server (client-side limit; each new ApiKey costs about 8 writes)", DefaultValueFactory = _ => 50 };
    private static readonly Option<int> KubeApiBurst = new("--kube-api-burst") { Description = "Requests to the API server allowed at once above --kube-api-qps", DefaultValueFactory = _ => 100 };

    private static readonly Option<string?> UpstreamAllowCidrs = new("--upstream-allow-cidrs") { Description = "Comma-separated CIDRs provider validation may connect to besides public addresses (loopback, private and link-local are refused by default)" };
    private static readonly Option<string?> UpstreamCaFile = new("--upstream-ca-file") { Description = "PEM bundle of CAs trusted for provider upstreams in addition to the system store" };

    private static readonly Option<string> RotateNamespace = new("--namespace", "-n") { Description = "Namespace of the ApiKey", Required = true };
    private static readonly Option<string> RotateName = new("--name") { Description = "Name of the ApiKey", Required = true };
    private static readonly Option<string?> RotateWait = new("--wait") { Description = "How long to wait for the operator to finish the rotation", DefaultValueFactory = _ => "5m" };

    /// <param name="run">Runs the operator until cancelled; returns the exit code.</param>
    /// <param name="rotate">Runs the rotate command; returns the exit code.</param>
    public static RootCommand Create(
        Func<OperatorOptions, CancellationToken, Task<int>> run,
        Func<RotateOptions, CancellationToken, Task<int>> rotate)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(rotate);

        var root = new RootCommand("Bastio operator: reconciles ApiKeys, ProviderKeys and Proxies into encrypted Secrets, rotation CronJobs, status and Events.")
        {
            Kubeconfig, Context, SystemNamespace, AdminAddress, AdminPort, LeaderElect, WatchNamespaces,
            RotatorImage, RotatorServiceAccount, GatewayUrl, ValidationTimeout, SweepInterval, KubeApiQps, KubeApiBurst,
            UpstreamAllowCidrs, UpstreamCaFile,
            DeliveryAckTimeout,
        };
        root.Validators.Add(Validate);
        root.SetAction((result, ct) => WithConfigurationErrors(() => run(Bind(result), ct)));

        var rotateCommand = new Command("rotate", "Request a rotation of one ApiKey and wait until the operator reports it done (exit 0), failed or timed out (non-zero).")
        {
            RotateNamespace, RotateName, RotateWait,
        };
        rotateCommand.Validators.Add(result => ValidateDuration(result, RotateWait));
        rotateCommand.SetAction((result, ct) => WithConfigurationErrors(() => rotate(BindRotate(result), ct)));
        root.Subcommands.Add(rotateCommand);
        return root;
    }

    /// <summary>A missing or broken kubeconfig is a user error: one clear line and exit code 1, no stack trace.</summary>
    private static async Task<int> WithConfigurationErrors(Func<Task<int>> action)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (KubeConfigException exception)
        {
            await Console.Error.WriteLineAsync($"error: {exception.Message}").ConfigureAwait(false);
            return 1;
        }
    }

    internal static OperatorOptions Bind(ParseResult result)
    {
        var options = new OperatorOptions
        {
            Kubeconfig = result.GetValue(Kubeconfig),
            Context = result.GetValue(Context),
            SystemNamespace = result.GetValue(SystemNamespace)!,
            AdminAddress = result.GetValue(AdminAddress)!,
            AdminPort = result.GetValue(AdminPort),
            LeaderElect = result.GetValue(LeaderElect),
            WatchNamespaces = SplitList(result.GetValue(WatchNamespaces)),
            KubeApiQps = result.GetValue(KubeApiQps),
            KubeApiBurst = result.GetValue(KubeApiBurst),
            UpstreamAddresses = UpstreamAddressPolicy.Create(SplitList(result.GetValue(UpstreamAllowCidrs))),
            UpstreamTrust = UpstreamTrust.Load(result.GetValue(UpstreamCaFile)),
        };
        if (result.GetValue(RotatorImage) is { Length: > 0 } image)
        {
            options.RotatorImage = image;
        }

        if (result.GetValue(RotatorServiceAccount) is { Length: > 0 } serviceAccount)
        {
            options.RotatorServiceAccount = serviceAccount;
        }

        if (result.GetValue(GatewayUrl) is { Length: > 0 } gatewayUrl)
        {
            options.GatewayUrl = new Uri(gatewayUrl, UriKind.Absolute);
        }

        if (result.GetValue(ValidationTimeout) is { Length: > 0 } validationTimeout)
        {
            options.ValidationTimeout = GoDuration.Parse(validationTimeout);
        }

        if (result.GetValue(SweepInterval) is { Length: > 0 } sweepInterval)
        {
            options.SweepInterval = GoDuration.Parse(sweepInterval);
        }

        if (result.GetValue(DeliveryAckTimeout) is { Length: > 0 } deliveryAckTimeout)
        {
            options.DeliveryAcknowledgementTimeout = GoDuration.Parse(deliveryAckTimeout);
        }

        return options;
    }

    internal static RotateOptions BindRotate(ParseResult result) => new(
        result.GetValue(Kubeconfig),
        result.GetValue(Context),
        result.GetValue(RotateNamespace)!,
        result.GetValue(RotateName)!,
        GoDuration.Parse(result.GetValue(RotateWait)!));

    private static void Validate(CommandResult result)
    {
        ValidateDuration(result, ValidationTimeout);
        ValidateDuration(result, SweepInterval);
        ValidateDuration(result, DeliveryAckTimeout);
        if (result.GetValue(AdminPort) is < 0 or > 65535)
        {
            result.AddError("--admin-port must be between 0 and 65535.");
        }

        if (result.GetResult(KubeApiQps) is not null && result.GetValue(KubeApiQps) <= 0)
        {
            result.AddError("--kube-api-qps must be positive.");
        }

        if (result.GetResult(KubeApiBurst) is not null && result.GetValue(KubeApiBurst) < 1)
        {
            result.AddError("--kube-api-burst must be at least 1.");
        }

        if (!UpstreamAddressPolicy.TryCreate(SplitList(result.GetValue(UpstreamAllowCidrs)), out _, out var invalidCidr))
        {
            result.AddError($"--upstream-allow-cidrs: '{invalidCidr}' is not an IP address or CIDR.");
        }

        if (result.GetValue(UpstreamCaFile) is { Length: > 0 } caFile && !File.Exists(caFile))
        {
            result.AddError($"--upstream-ca-file: '{caFile}' does not exist.");
        }

        if (result.GetValue(GatewayUrl) is { Length: > 0 } url
            && (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)))
        {
            result.AddError($"--gateway-url '{url}' is not an absolute http(s) URL.");
        }
    }

    private static void ValidateDuration(CommandResult result, Option<string?> option) =>
        ValidateDurationValue(result, option.Name, result.GetValue(option));

    private static void ValidateDurationValue(CommandResult result, string name, string? value)
    {
        if (value is not { Length: > 0 })
        {
            return;
        }

        if (!GoDuration.TryParse(value, out var parsed, out var error))
        {
            result.AddError($"{name} '{value}' is not a duration such as 30s, 5m or 1h30m: {error}");
        }
        else if (parsed <= TimeSpan.Zero)
        {
            result.AddError($"{name} must be positive.");
        }
    }

    private static string[] SplitList(string? value) =>
        value is null ? [] : value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

/// <summary>Arguments of the <c>rotate</c> command.</summary>
public sealed record RotateOptions(string? Kubeconfig, string? Context, string Namespace, string Name, TimeSpan Wait);
