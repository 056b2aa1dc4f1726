namespace Bastio.Gateway.Configuration;

/// <summary>Proxy <c>spec.provider</c>: decides which header carries the provider key.</summary>
internal enum ProviderKind
{
    OpenAI,
    OpenAICompatible,
    Anthropic,
    AzureOpenAI,
}

internal static class ProviderKinds
{
    public static bool TryParse(string? provider, out ProviderKind kind)
    {
        (var known, kind) = provider switch
        {
            "openai" => (true, ProviderKind.OpenAI),
            "openai-compatible" => (true, ProviderKind.OpenAICompatible),
            "anthropic" => (true, ProviderKind.Anthropic),
            "azure-openai" => (true, ProviderKind.AzureOpenAI),
            _ => (false, default),
        };
        return known;
    }
}
