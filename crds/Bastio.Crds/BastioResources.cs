using Bastio.Kubernetes.Api;

namespace Bastio.Crds;

/// <summary>The product's custom resource types (group <c>bastio.io</c>, version <c>v1alpha1</c>).</summary>
public static class BastioResources
{
    public const string Group = "bastio.io";
    public const string Version = "v1alpha1";
    public const string ApiVersion = Group + "/" + Version;

    public static readonly ResourceType ApiKeys = new(Group, Version, "apikeys", "ApiKey", true);
    public static readonly ResourceType ProviderKeys = new(Group, Version, "providerkeys", "ProviderKey", true);
    public static readonly ResourceType Proxies = new(Group, Version, "proxies", "Proxy", true);
}
