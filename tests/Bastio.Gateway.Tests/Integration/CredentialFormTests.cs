using System.Net;
using Bastio.Core.Keys;
using Bastio.Gateway.Tests.Infrastructure;

namespace Bastio.Gateway.Tests.Integration;

/// <summary>Every credential form of docs/reference/gateway.md#credentials, and that none of them reaches the provider.</summary>
public sealed class CredentialFormTests : IAsyncLifetime
{
    private GatewayTestEnvironment _env = null!;
    private string _key = null!;
    private string _publicId = null!;

    public async Task InitializeAsync()
    {
        _env = await GatewayTestEnvironment.StartAsync();
        await _env.CreateProxyAsync("openai");
        (_, _key) = await _env.CreateApiKeyAsync("app", "openai");
        _publicId = ClientKey.PublicId(KeyEnvironment.Live, _key.Substring("bastio_sk_live_".Length, ClientKey.KeyIdLength));
    }

    public async Task DisposeAsync() => await _env.DisposeAsync();

    public static TheoryData<string> Forms => ["bearer", "x-bastio-api-key", "x-api-key", "pair"];

    [Theory]
    [MemberData(nameof(Forms))]
    public async Task Each_form_is_accepted_and_stripped_before_forwarding(string form)
    {
        using var response = await _env.ChatAsync(null, configure: request => AddCredential(request, form, _key, _publicId));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var received = _env.Stub.Requests.Should().ContainSingle().Subject;
        received.Header("Authorization").Should().Be("Bearer " + GatewayTestEnvironment.ProviderSecret);
        received.Headers.Keys.Should().NotContain(name => name.Equals("X-Bastio-API-Key", StringComparison.OrdinalIgnoreCase)
            || name.Equals("x-api-key", StringComparison.OrdinalIgnoreCase) || name.Equals("X-Api-Secret", StringComparison.OrdinalIgnoreCase));
        received.Headers.Values.Should().NotContain(value => value.Contains(_key) || value.Contains(_publicId));
    }

    [Fact]
    public async Task Pair_with_ids_that_disagree_is_invalid()
    {
        var otherId = ClientKey.PublicId(KeyEnvironment.Live, ClientKey.NewKeyId());

        using var response = await _env.ChatAsync(null, configure: request => AddCredential(request, "pair", _key, otherId));

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await GatewayTestEnvironment.ErrorOf(response)).GetProperty("code").GetString().Should().Be("invalid_api_key");
    }

    [Theory]
    [InlineData("X-Api-Key")]
    [InlineData("X-Api-Secret")]
    public async Task Either_pair_header_alone_is_missing_api_key_naming_both(string only)
    {
        using var response = await _env.ChatAsync(null, configure: request => request.Headers.Add(only, only == "X-Api-Key" ? _publicId : _key));

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        var error = await GatewayTestEnvironment.ErrorOf(response);
        error.GetProperty("code").GetString().Should().Be("missing_api_key");
        error.GetProperty("message").GetString().Should().Contain("X-Api-Key").And.Contain("X-Api-Secret");
    }

    [Fact]
    public async Task First_form_wins_a_bad_bearer_is_not_rescued_by_a_good_later_header()
    {
        using var response = await _env.ChatAsync("bastio_sk_live_garbage", configure: request => request.Headers.Add("X-Bastio-API-Key", _key));

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await GatewayTestEnvironment.ErrorOf(response)).GetProperty("code").GetString().Should().Be("invalid_api_key");
    }

    private static void AddCredential(HttpRequestMessage request, string form, string key, string publicId)
    {
        switch (form)
        {
            case "bearer":
                request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
                break;
            case "x-bastio-api-key":
                request.Headers.Add("X-Bastio-API-Key", key);
                break;
            case "x-api-key":
                request.Headers.Add("x-api-key", key);
                break;
            default:
                request.Headers.Add("X-Api-Key", publicId);
                request.Headers.Add("X-Api-Secret", key);
                break;
        }
    }
}
