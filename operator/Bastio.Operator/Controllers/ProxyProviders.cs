namespace Bastio.Operator.Controllers;

/// <summary>The values of Proxy <c>spec.provider</c>.</summary>
internal static class ProxyProviders
{
    public const string OpenAI = "openai";
    public const string Anthropic = "anthropic";
    public const string AzureOpenAI = "azure-openai";
    public const string OpenAICompatible = "openai-compatible";

    public static bool IsKnown(string? provider) => provider is OpenAI or Anthropic or AzureOpenAI or OpenAICompatible;
}
