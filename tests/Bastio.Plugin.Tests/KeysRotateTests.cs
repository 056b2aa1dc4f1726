using System.Text;
using Bastio.Core;
using Bastio.Crds;
using Bastio.Crds.Vocabulary;
using Bastio.Kubernetes.Api;
using k8s;
using k8s.Models;
using Bastio.Kubernetes.Runtime.Objects;
using Bastio.Plugin.Cli;
using Bastio.Plugin.Tests.Infrastructure;

namespace Bastio.Plugin.Tests;

/// <summary>
/// <c>keys rotate --wait</c> and <c>keys regenerate</c> follow the rotate protocol: a refused rotation is a
/// failure with the operator's reason, an unanswered one a timeout, and regenerate prints only a new key.
/// The test plays the operator: it answers the request the plugin writes the way the operator does.
/// </summary>
public sealed class KeysRotateTests : IAsyncLifetime
{
    private const string Ns = "default";
    private const string OldKey = "bst_live_old0000000000000000000000";
    private const string NewKey = "bst_live_new1111111111111111111111";

    private PluginCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        _cluster = await PluginCluster.StartAsync();
        await _cluster.Client.ApiKeys().CreateAsync(new ApiKey
        {
            ApiVersion = BastioResources.ApiVersion,
            Kind = "ApiKey",
            Metadata = new V1ObjectMeta { Name = "app", NamespaceProperty = Ns },
            Spec = new ApiKeySpec { ProxyRef = new LocalObjectReference { Name = "openai" } },
        });
        await WriteStatusAsync(status =>
        {
            (status.Phase, status.Version, status.KeyId, status.SecretName) = (ApiKeyPhases.Active, 1, "kid0000000000000", "app-key");
            Conditions.Set(status, ApiKeyConditions.Ready, Conditions.True, ApiKeyPhases.Active, "Key version 1 is delivered.", 1, DateTimeOffset.UtcNow);
        });
        await _cluster.Client.Secrets().CreateAsync(new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = "app-key", NamespaceProperty = Ns },
            Data = new Dictionary<string, byte[]> { [WellKnown.DeliverySecret.ApiKey] = Encoding.UTF8.GetBytes(OldKey) },
        });
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task Rotate_wait_reports_the_new_version_once_the_operator_rotated()
    {
        var run = _cluster.RunAsync("keys", "rotate", "app", "--wait", "--timeout", "30s");
        await AnswerAsync(rotated: true, deliverNewKey: true);

        var (code, output, error) = await run;

        code.Should().Be(ExitCodes.Ok, error);
        output.Should().Contain("apikey/app rotated to version 2");
    }

    [Fact]
    public async Task Rotate_wait_of_an_expired_key_fails_with_the_operators_reason()
    {
        var run = _cluster.RunAsync("keys", "rotate", "app", "--wait", "--timeout", "30s");
        await AnswerAsync(rotated: false, deliverNewKey: false);

        var (code, output, error) = await run;

        code.Should().Be(ExitCodes.Error);
        error.Should().Contain("was not rotated").And.Contain("the key has expired");
        output.Should().NotContain("rotated to version");
    }

    [Fact]
    public async Task Rotate_wait_times_out_with_its_exit_code_when_nothing_answers()
    {
        var (code, output, error) = await _cluster.RunAsync("keys", "rotate", "app", "--wait", "--timeout", "1s");

        code.Should().Be(ExitCodes.Timeout, error);
        error.Should().Contain("timed out");
        output.Should().BeEmpty();
    }

    [Fact]
    public async Task Regenerate_prints_the_new_key_and_never_the_old_one()
    {
        var run = _cluster.RunAsync("keys", "regenerate", "app", "--timeout", "30s");
        var request = await AnswerAsync(rotated: true, deliverNewKey: true);

        var (code, output, error) = await run;

        code.Should().Be(ExitCodes.Ok, error);
        output.Should().Contain(NewKey).And.NotContain(OldKey);
        request.Metadata.Annotations.Should().Contain(WellKnown.RotateGraceAnnotation, "0s");
    }

    [Fact]
    public async Task Regenerate_of_an_expired_key_fails_and_prints_no_key()
    {
        var run = _cluster.RunAsync("keys", "regenerate", "app", "--timeout", "30s");
        await AnswerAsync(rotated: false, deliverNewKey: false);

        var (code, output, error) = await run;

        code.Should().Be(ExitCodes.Error);
        error.Should().Contain("the key has expired");
        output.Should().NotContain(OldKey).And.NotContain("bst_");
    }

    [Fact]
    public async Task Regenerate_prints_nothing_while_the_delivered_key_is_still_the_old_one()
    {
        var run = _cluster.RunAsync("keys", "regenerate", "app", "--timeout", "2s");
        await AnswerAsync(rotated: true, deliverNewKey: false);

        var (code, output, _) = await run;

        code.Should().NotBe(ExitCodes.Ok);
        output.Should().NotContain(OldKey).And.NotContain("bst_");
    }

    /// <summary>Waits for the plugin's request and answers it as the operator would; returns the ApiKey carrying the request.</summary>
    private async Task<ApiKey> AnswerAsync(bool rotated, bool deliverNewKey)
    {
        var requested = await Eventually.UntilAsync(
            async () => await _cluster.Client.ApiKeys().GetAsync(Ns, "app") is { } key
                && key.Metadata.Annotations?.GetValueOrDefault(WellKnown.RotateRequestedAtAnnotation) is not null ? key : null,
            "the plugin's rotation request");
        var request = requested.Metadata.Annotations![WellKnown.RotateRequestedAtAnnotation];
        if (deliverNewKey)
        {
            var secret = await _cluster.Client.Secrets().GetAsync(Ns, "app-key");
            secret.Data![WellKnown.DeliverySecret.ApiKey] = Encoding.UTF8.GetBytes(NewKey);
            await _cluster.Client.Secrets().ReplaceAsync(secret);
        }

        await WriteStatusAsync(status =>
        {
            status.LastRotationRequest = request;
            status.Version = rotated ? 2 : 1;
            var message = rotated ? $"Rotated to version 2 for the request of {request}." : $"Rotation requested at {request} was not performed: the key has expired.";
            Conditions.Set(status, ApiKeyConditions.Rotated, rotated ? Conditions.True : Conditions.False, rotated ? EventReasons.Rotated : EventReasons.RotationFailed, message, 1, DateTimeOffset.UtcNow);
        });
        return requested;
    }

    private async Task WriteStatusAsync(Action<ApiKeyStatus> change)
    {
        var apiKey = await _cluster.Client.ApiKeys().GetAsync(Ns, "app");
        apiKey.Status ??= new ApiKeyStatus();
        change(apiKey.Status);
        await _cluster.Client.ApiKeys().ReplaceStatusAsync(apiKey);
    }
}
