using System.Net;
using System.Text;
using Bastio.Core;
using Bastio.Crds;
using Bastio.Gateway.Tests.Infrastructure;
using Bastio.Kubernetes.Api;
using k8s;
using k8s.Models;
using Bastio.Operator.Configuration;
using Bastio.Operator.Hosting;
using Microsoft.Extensions.Logging;

namespace Bastio.Gateway.Tests.Integration;

/// <summary>
/// The encryption-key Secret deleted under load, with the real operator and the real gateway: the
/// gateway keeps serving from the ring it holds, the operator restores the Secret from the ring it
/// holds, and no delivered client key is refused or re-issued.
/// </summary>
public sealed class EncryptionKeyLossTests
{
    private const string Ns = GatewayTestEnvironment.Namespace;
    private const string SystemNs = GatewayTestEnvironment.SystemNamespace;

    [Fact]
    public async Task Deleting_the_encryption_key_under_load_refuses_no_client_key_and_the_operator_restores_it()
    {
        await using var env = await GatewayTestEnvironment.StartAsync();
        await env.Secrets.CreateAsync(new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = "openai-pk-source", NamespaceProperty = Ns, Labels = new Dictionary<string, string>() { ["bastio.io/provider-key"] = "true" } },
            Data = new Dictionary<string, byte[]>() { ["apiKey"] = Encoding.UTF8.GetBytes(GatewayTestEnvironment.ProviderSecret) },
        });
        await env.CreateProxyAsync("openai");
        var audit = new SynchronizedStringWriter();
        using var logs = new CapturingLoggerProvider();
        using var loggerFactory = LoggerFactory.Create(logging => logging.AddProvider(logs));
        using var operatorClient = KubernetesConnection.CreateClient(KubernetesConnection.FromKubeconfigYaml(env.Cluster.KubeconfigYaml));
        await using var operatorHost = new OperatorHost(operatorClient, new OperatorOptions
        {
            SystemNamespace = SystemNs,
            AdminAddress = "127.0.0.1",
            AdminPort = 0,
            RotatorImage = "bastio/operator:test",
            RotatorServiceAccount = "bastio-rotator",
        }, loggerFactory, audit, meterName: $"Bastio.Operator.Tests.{Guid.NewGuid():N}");
        await operatorHost.StartAsync(CancellationToken.None);

        await env.ApiKeys.CreateAsync(new ApiKey { Metadata = new V1ObjectMeta { Name = "app", NamespaceProperty = Ns }, Spec = new ApiKeySpec { ProxyRef = new LocalObjectReference { Name = "openai" }, Permissions = ["chat"] } });
        var issued = await Eventually.UntilAsync(async () => await env.ApiKeys.TryGetAsync(Ns, "app") is { Status.Phase: "Active" } a ? a : null, "the operator issues the key");
        var key = Encoding.UTF8.GetString((await env.Secrets.GetAsync(Ns, "app-key")).Data!["apiKey"]);
        await Eventually.UntilAsync(async () => (await env.ChatAsync(key)).StatusCode == HttpStatusCode.OK, "the gateway serves the delivered key");
        var original = await env.Secrets.GetAsync(SystemNs, WellKnown.EncryptionKeySecret.Name);

        var statuses = new System.Collections.Concurrent.ConcurrentBag<HttpStatusCode>();
        using var stop = new CancellationTokenSource();
        var load = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var response = await env.ChatAsync(key);
                statuses.Add(response.StatusCode);
            }
        });

        await Eventually.UntilAsync(() => statuses.Count > 20, "the client is calling");
        await env.Secrets.DeleteAsync(SystemNs, WellKnown.EncryptionKeySecret.Name);
        var restored = await Eventually.UntilAsync(async () => await env.Secrets.TryGetAsync(SystemNs, WellKnown.EncryptionKeySecret.Name), "the operator restores the Secret");
        await Eventually.UntilAsync(async () => (await EventsAsync(env)).Any(e => e.Reason == "EncryptionKeyRestored" && e.Type == "Warning"), "an EncryptionKeyRestored Event");

        // Keep calling while the gateway sees the restored Secret and the operator reconciles every key again.
        var calls = statuses.Count;
        await Eventually.UntilAsync(() => statuses.Count > calls + 50, "the client calls on after the restore");
        await stop.CancelAsync();
        await load;

        statuses.Should().NotContain(HttpStatusCode.Unauthorized, "no delivered client key is refused while the key Secret is gone and restored");
        statuses.Should().OnlyContain(status => status == HttpStatusCode.OK);
        restored.Metadata.Uid.Should().NotBe(original.Metadata.Uid);
        restored.Data.Should().BeEquivalentTo(original.Data, "the Secret is restored with the very ring it held");
        Encoding.UTF8.GetString((await env.Secrets.GetAsync(Ns, "app-key")).Data!["apiKey"]).Should().Be(key, "nothing is re-issued");
        (await env.ApiKeys.GetAsync(Ns, "app")).Status!.Version.Should().Be(issued.Status!.Version);
        audit.Lines().Should().NotContain(l => l.Contains("\"action\":\"Rotated\"") || l.Contains("\"action\":\"Reissued\""));
        logs.Lines.Should().Contain(l => l.StartsWith("Error ", StringComparison.Ordinal) && l.Contains("restored it from the key ring held in memory", StringComparison.Ordinal));
        await operatorHost.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task The_gateway_keeps_serving_from_its_last_good_ring_while_the_Secret_is_gone()
    {
        await using var env = await GatewayTestEnvironment.StartAsync();
        await env.CreateProxyAsync("openai");
        var (_, key) = await env.CreateApiKeyAsync("app", "openai");
        (await env.ChatAsync(key)).StatusCode.Should().Be(HttpStatusCode.OK);

        await env.Secrets.DeleteAsync(SystemNs, WellKnown.EncryptionKeySecret.Name);

        // A key written after the deletion is served only by a snapshot built without the Secret: proof the gateway saw it go.
        var (_, later) = await env.CreateApiKeyAsync("later", "openai");
        (await env.ChatAsync(key)).StatusCode.Should().Be(HttpStatusCode.OK, "a key encrypted under the ring the gateway holds stays valid");
        (await env.ChatAsync(later)).StatusCode.Should().Be(HttpStatusCode.OK);
        env.Logs.Lines.Should().Contain(l => l.Contains("encryption key Secret is missing; serving with the key ring read last", StringComparison.Ordinal));
    }

    private static async Task<IReadOnlyList<Eventsv1Event>> EventsAsync(GatewayTestEnvironment env) =>
        (await env.Client.Events().ListAllAsync(SystemNs))
            .Items.Where(e => e.Regarding.Name == WellKnown.EncryptionKeySecret.Name).ToList();
}
