using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bastio.Crds;
using Bastio.Kubernetes.Client;

namespace Bastio.LocalRun.Manifests;

/// <summary>
/// <c>kubectl apply</c> for the kinds in crds/ and examples/, through our own client so no kubectl is
/// needed: create, or merge-patch what exists. Secrets' <c>stringData</c> is encoded into <c>data</c>
/// here, so the result does not depend on how a server merges the two.
/// </summary>
public sealed class ManifestApplier(IKubernetesClient client)
{
    private static readonly IReadOnlyList<ResourceType> Known =
    [
        ResourceType.CustomResourceDefinitions, ResourceType.Namespaces, ResourceType.Secrets, ResourceType.ConfigMaps,
        BastioResources.Proxies, BastioResources.ProviderKeys, BastioResources.ApiKeys,
    ];

    /// <summary>Applies one object; returns <c>kind/name</c> and whether it was created or configured.</summary>
    public async Task<string> ApplyAsync(JsonObject manifest, string defaultNamespace, CancellationToken cancellationToken)
    {
        var apiVersion = manifest["apiVersion"]?.GetValue<string>();
        var kind = manifest["kind"]?.GetValue<string>();
        var type = Known.FirstOrDefault(candidate => candidate.ApiVersion == apiVersion && candidate.Kind == kind)
            ?? throw new NotSupportedException($"cannot apply {kind} ({apiVersion}): not a kind the local run knows");
        var metadata = manifest["metadata"] as JsonObject ?? throw new FormatException($"{kind} without metadata");
        var name = metadata["name"]?.GetValue<string>() ?? throw new FormatException($"{kind} without metadata.name");
        string? ns = null;
        if (type.Namespaced)
        {
            ns = metadata["namespace"]?.GetValue<string>() ?? defaultNamespace;
            metadata["namespace"] = ns;
        }

        manifest.Remove("status");
        if (type == ResourceType.Secrets)
        {
            EncodeStringData(manifest);
        }

        var resource = client.Resource(type, LocalRunJsonContext.Default.ManifestObject, LocalRunJsonContext.Default.KubernetesListManifestObject);
        var options = new WriteOptions { FieldManager = "bastio-local-run" };
        var id = $"{type.Kind.ToLowerInvariant()}/{name}";
        try
        {
            var obj = manifest.Deserialize(LocalRunJsonContext.Default.ManifestObject)!;
            await resource.CreateAsync(obj, options, cancellationToken);
            return $"{id} created";
        }
        catch (AlreadyExistsException)
        {
            await resource.PatchAsync(ns, name, PatchType.Merge, manifest.ToJsonString(), options: options, cancellationToken: cancellationToken);
            return $"{id} configured";
        }
    }

    private static void EncodeStringData(JsonObject secret)
    {
        if (secret["stringData"] is not JsonObject stringData)
        {
            return;
        }

        if (secret["data"] is not JsonObject data)
        {
            data = [];
            secret["data"] = data;
        }

        foreach (var (key, value) in stringData)
        {
            data[key] = Convert.ToBase64String(Encoding.UTF8.GetBytes(value?.GetValue<string>() ?? ""));
        }

        secret.Remove("stringData");
    }
}
