using System.Net;
using Bastio.Core.Keys;
using Bastio.Gateway.Tests.Infrastructure;

namespace Bastio.Gateway.Tests.Integration;

/// <summary>Changes in the cluster reaching the request path: revocation, disable, rotation.</summary>
public sealed class ConfigurationChangeTests : IAsyncLifetime
{
    private static readonly TimeSpan OneSecond = TimeSpan.FromSeconds(1);

    private GatewayTestEnvironment _env = null!;

    public async Task InitializeAsync()
    {
        _env = await GatewayTestEnvironment.StartAsync();
        await _env.CreateProxyAsync("openai");
    }

    public async Task DisposeAsync() => await _env.DisposeAsync();

    [Theory]
    [InlineData("""{"revoked": true}""", "revoked_api_key")]
    [InlineData("""{"disabled": true}""", "disabled_api_key")]
    public async Task A_revocation_or_disable_takes_effect_within_one_second_of_the_write(string patch, string code)
    {
        var (_, key) = await _env.CreateApiKeyAsync("app", "openai");
        (await _env.ChatAsync(key)).StatusCode.Should().Be(HttpStatusCode.OK);

        await _env.PatchApiKeyAsync("app", patch);
        await Eventually.UntilAsync(async () =>
        {
            using var response = await _env.ChatAsync(key);
            return response.StatusCode == HttpStatusCode.Unauthorized
                && (await GatewayTestEnvironment.ErrorOf(response)).GetProperty("code").GetString() == code;
        }, $"the key is refused with {code}", timeout: OneSecond, interval: TimeSpan.FromMilliseconds(10));
    }

    [Fact]
    public async Task Enabling_a_disabled_key_again_restores_it_and_the_rate_limit_state_survives_the_swap()
    {
        var (_, key) = await _env.CreateApiKeyAsync("app", "openai", spec => spec.RateLimit = new Crds.RateLimit { Requests = 100, Period = "hour" });
        var keyId = key.Substring("bastio_sk_live_".Length, ClientKey.KeyIdLength);
        _env.Gateway.Snapshots.Current!.TryGetKey(keyId, out var before).Should().BeTrue();
        using (var first = await _env.ChatAsync(key))
        {
            first.Headers.GetValues("x-ratelimit-remaining-requests").Should().Equal("99");
        }

        await _env.PatchApiKeyAsync("app", """{"disabled": true}""");
        await Eventually.UntilAsync(async () => (await _env.ChatAsync(key)).StatusCode == HttpStatusCode.Unauthorized, "disabled");
        await _env.PatchApiKeyAsync("app", """{"disabled": false}""");
        await Eventually.UntilAsync(async () => (await _env.ChatAsync(key)).StatusCode == HttpStatusCode.OK, "enabled again");

        using var afterSwaps = await _env.ChatAsync(key);
        int.Parse(afterSwaps.Headers.GetValues("x-ratelimit-remaining-requests").Single(), System.Globalization.CultureInfo.InvariantCulture)
            .Should().BeLessThanOrEqualTo(97, "two swaps must not refill the bucket");
        _env.Gateway.Snapshots.Current!.TryGetKey(keyId, out var after).Should().BeTrue();
        after!.Bucket.Should().BeSameAs(before!.Bucket);
    }

    [Fact]
    public async Task Rotation_the_previous_key_works_until_its_grace_ends_and_a_pending_key_is_already_accepted()
    {
        var (apiKey, oldKey) = await _env.CreateApiKeyAsync("app", "openai");
        var keyId = oldKey.Substring("bastio_sk_live_".Length, ClientKey.KeyIdLength);
        var newKey = ClientKey.Generate(KeyEnvironment.Live, keyId);
        var pendingKey = ClientKey.Generate(KeyEnvironment.Live, keyId);

        // First the operator writes the new key as pending (before delivering it), then promotes it.
        await _env.WriteVerifiersAsync(apiKey, keyId, current: oldKey, pending: newKey);
        await Eventually.UntilAsync(async () => (await _env.ChatAsync(newKey)).StatusCode == HttpStatusCode.OK, "the pending key is accepted");
        (await _env.ChatAsync(oldKey)).StatusCode.Should().Be(HttpStatusCode.OK);

        // Whole seconds: the verifier Secret stores RFC 3339 timestamps as Kubernetes writes them.
        var graceEnds = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddSeconds(3).ToUnixTimeSeconds());
        await _env.WriteVerifiersAsync(apiKey, keyId, current: newKey, pending: pendingKey, previous: oldKey, previousExpiresAt: graceEnds);
        await Eventually.UntilAsync(async () => (await _env.ChatAsync(pendingKey)).StatusCode == HttpStatusCode.OK, "the next pending key is accepted");
        if (DateTimeOffset.UtcNow < graceEnds.AddMilliseconds(-500))
        {
            (await _env.ChatAsync(oldKey)).StatusCode.Should().Be(HttpStatusCode.OK, "the previous key works during its grace period");
        }

        await Eventually.UntilAsync(async () =>
        {
            using var response = await _env.ChatAsync(oldKey);
            return response.StatusCode == HttpStatusCode.Unauthorized
                && (await GatewayTestEnvironment.ErrorOf(response)).GetProperty("code").GetString() == "invalid_api_key";
        }, "the previous key is refused after its grace period");
        DateTimeOffset.UtcNow.Should().BeOnOrAfter(graceEnds);
        (await _env.ChatAsync(newKey)).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Deleting_the_api_key_removes_it()
    {
        var (_, key) = await _env.CreateApiKeyAsync("app", "openai");

        await _env.ApiKeys.DeleteAsync(GatewayTestEnvironment.Namespace, "app");

        await Eventually.UntilAsync(async () => (await _env.ChatAsync(key)).StatusCode == HttpStatusCode.Unauthorized, "the deleted key is refused", timeout: OneSecond);
    }
}
