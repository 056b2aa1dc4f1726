using System.Text.Json.Nodes;

namespace Bastio.LocalRun.Manifests;

/// <summary>
/// Points the examples at the local stub: every Proxy's upstream becomes the stub, and every Secret a
/// ProviderKey reads gets the one provider key the stub accepts, in place of the placeholder.
/// </summary>
public static class LocalExamples
{
    public static void Rewrite(IReadOnlyList<JsonObject> manifests, Uri stubBaseUrl, string stubKey)
    {
        var sources = manifests
            .Where(manifest => Is(manifest, "ProviderKey"))
            .Select(manifest => manifest["spec"]?["secretRef"])
            .Where(reference => reference?["name"] is not null)
            .Select(reference => (Name: reference!["name"]!.GetValue<string>(), Key: reference["key"]?.GetValue<string>() ?? "apiKey"))
            .ToList();
        foreach (var manifest in manifests)
        {
            if (Is(manifest, "Proxy") && manifest["spec"] is JsonObject spec)
            {
                spec["upstream"] = stubBaseUrl.ToString().TrimEnd('/');
            }
            else if (Is(manifest, "Secret") && manifest["metadata"]?["name"]?.GetValue<string>() is { } name)
            {
                foreach (var source in sources.Where(source => source.Name == name))
                {
                    if (manifest["stringData"] is not JsonObject stringData)
                    {
                        stringData = [];
                        manifest["stringData"] = stringData;
                    }

                    (manifest["data"] as JsonObject)?.Remove(source.Key);
                    stringData[source.Key] = stubKey;
                }
            }
        }
    }

    private static bool Is(JsonObject manifest, string kind) => manifest["kind"]?.GetValue<string>() == kind;
}
