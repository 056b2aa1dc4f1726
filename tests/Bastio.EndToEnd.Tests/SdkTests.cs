using System.ClientModel;
using Bastio.EndToEnd.Tests.Targets;
using OpenAI;
using OpenAI.Chat;

namespace Bastio.EndToEnd.Tests;

/// <summary>The key works with the official OpenAI .NET SDK pointed at the gateway, as the README shows.</summary>
[Collection(SystemCollection.Name)]
public sealed class SdkTests(SystemUnderTest system)
{
    private ChatClient Chat => new("gpt-4o-mini", new ApiKeyCredential(system.ApiKey), new OpenAIClientOptions { Endpoint = system.GatewayUrl });

    [Fact]
    public async Task Chat_completion_through_the_gateway()
    {
        ChatCompletion completion = await Chat.CompleteChatAsync([new UserChatMessage("Hello!")]);

        completion.Content.Should().NotBeEmpty();
        var text = completion.Content[0].Text;
        if (system.Choice.IsExternal)
        {
            text.Should().NotBeNullOrWhiteSpace();
        }
        else
        {
            text.Should().Be("Hello from the stub.", "make run points the example proxy at the stub upstream");
            completion.Usage.InputTokenCount.Should().BePositive();
        }
    }

    [Fact]
    public async Task Streamed_chat_completion_through_the_gateway()
    {
        var parts = new List<string>();
        await foreach (var update in Chat.CompleteChatStreamingAsync([new UserChatMessage("Hello!")]))
        {
            parts.AddRange(update.ContentUpdate.Select(part => part.Text));
        }

        parts.Should().HaveCountGreaterThan(1, "a stream arrives in several chunks");
        if (!system.Choice.IsExternal)
        {
            string.Concat(parts).Should().Be("Hello from the stub.");
        }
    }

    [Fact]
    public async Task A_wrong_key_is_refused_with_the_openai_error_shape()
    {
        var wrong = new ChatClient("gpt-4o-mini", new ApiKeyCredential("bastio_sk_live_not-a-real-key"), new OpenAIClientOptions { Endpoint = system.GatewayUrl });

        var act = () => wrong.CompleteChatAsync([new UserChatMessage("Hello!")]);

        (await act.Should().ThrowAsync<ClientResultException>()).Which.Status.Should().Be(401);
    }
}
