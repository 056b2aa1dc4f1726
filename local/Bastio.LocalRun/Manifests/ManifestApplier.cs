using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bastio.Crds;
using Bastio.Kubernetes.Api;
using k8s;
using k8s.Models;

namespace Bastio.LocalRun.Manifests;

/// <summary>
/// <c>kubectl apply</c> for the kinds in crds/ and examples/, through the official client so no kubectl is
/// needed: create, or merge-patch what exists. Secrets' <c>stringData</c> is encoded into <c>data</c>
/// here, so the result does not depend on how a server merges the two.
/// </summary>
public sealed class ManifestApplier(IKubernetes client)
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

        // Core kinds are reached through their typed operations; every other group through the generic ones.
        var created = type == ResourceType.Namespaces ? await ApplyAsync(client.Namespaces(), manifest, ns, name, cancellationToken)
            : type == ResourceType.Secrets ? await ApplyAsync(client.Secrets(), manifest, ns, name, cancellationToken)
            : type == ResourceType.ConfigMaps ? await ApplyAsync(client.ConfigMaps(), manifest, ns, name, cancellationToken)
            : await ApplyAsync(client.Resource<ManifestObject>(type), manifest, ns, name, cancellationToken);
        return $"{type.Kind.ToLowerInvariant()}/{name} {(created ? "created" : "configured")}";
    }

    /// <summary>Creates the object, or merge-patches it when it exists; true when it was created.</summary>
    private static async Task<bool> ApplyAsync<T>(IResourceClient<T> resource, JsonObject manifest, string? ns, string name, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var options = new WriteOptions { FieldManager = "bastio-local-run" };
        var json = manifest.ToJsonString();
        try
        {
            await resource.CreateAsync(KubernetesJson.Deserialize<T>(json), options, cancellationToken);
            return true;
        }
        catch (AlreadyExistsException)
        {
            await resource.PatchAsync(ns, name, PatchType.Merge, json, options: options, cancellationToken: cancellationToken);
            return false;
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
