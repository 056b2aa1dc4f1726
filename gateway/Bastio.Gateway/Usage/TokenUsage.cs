using System.Text.Json;

namespace Bastio.Gateway.Usage;

/// <summary>Token counts reported by the provider, in OpenAI (<c>prompt/completion_tokens</c>) or Anthropic (<c>input/output_tokens</c>) terms.</summary>
internal readonly record struct TokenUsage(string? Model, long PromptTokens, long CompletionTokens)
{
    /// <summary>
    /// Reads <c>model</c> and <c>usage</c> at the top level, or inside <c>message</c> (Anthropic's
    /// <c>message_start</c> event). False when the JSON carries no usage or is not valid JSON.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> json, out TokenUsage usage)
    {
        usage = default;
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 64 });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            return ReadObject(ref reader, allowMessage: true, ref usage);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool ReadObject(ref Utf8JsonReader reader, bool allowMessage, ref TokenUsage usage)
    {
        var found = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("model"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.String)
                {
                    usage = usage with { Model = reader.GetString() };
                }
            }
            else if (reader.ValueTextEquals("usage"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartObject)
                {
                    found |= ReadCounts(ref reader, ref usage);
                }
                else
                {
                    reader.Skip();
                }
            }
            else if (allowMessage && reader.ValueTextEquals("message"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartObject)
                {
                    found |= ReadObject(ref reader, allowMessage: false, ref usage);
                }
                else
                {
                    reader.Skip();
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return found;
    }

    private static bool ReadCounts(ref Utf8JsonReader reader, ref TokenUsage usage)
    {
        var found = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isPrompt = reader.ValueTextEquals("prompt_tokens"u8) || reader.ValueTextEquals("input_tokens"u8);
            var isCompletion = reader.ValueTextEquals("completion_tokens"u8) || reader.ValueTextEquals("output_tokens"u8);
            reader.Read();
            if ((isPrompt || isCompletion) && reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var count) && count >= 0)
            {
                usage = isPrompt ? usage with { PromptTokens = count } : usage with { CompletionTokens = count };
                found = true;
            }
            else
            {
                reader.Skip();
            }
        }

        return found;
    }
}
