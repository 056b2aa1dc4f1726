using System.Globalization;
using System.Text.Json;
using Bastio.Core;
using Bastio.Crds.Vocabulary;
using Bastio.Kubernetes.Api;
using Bastio.Kubernetes.Runtime.Objects;
using k8s;

namespace Bastio.Crds.Rotation;

/// <summary>How a rotation request ended. The values are the operator's <c>rotate</c> command's exit codes.</summary>
public enum RotationOutcome
{
    /// <summary>The operator rotated the key for this request and delivered the new key.</summary>
    Completed = 0,

    /// <summary>The operator answered the request with RotationFailed (revoked, expired or invalid key; a disabled key is still rotated).</summary>
    Failed = 2,

    /// <summary>No answer within the wait.</summary>
    TimedOut = 3,

    /// <summary>The ApiKey does not exist (or was deleted while waiting).</summary>
    NotFound = 4,
}

/// <summary>The outcome of one request.</summary>
/// <param name="Request">The value written to <c>bastio.io/rotate-requested-at</c>; null when the ApiKey is missing.</param>
/// <param name="ApiKey">The ApiKey as it answered the request (status holds the new version); null unless answered.</param>
/// <param name="Reason">Why the operator refused the request (the Rotated condition's message); null unless <see cref="RotationOutcome.Failed"/>.</param>
public sealed record RotationResult(RotationOutcome Outcome, string? Request, ApiKey? ApiKey, string? Reason);

/// <summary>
/// The rotate protocol, the one implementation used by the operator's <c>rotate</c> command (the rotation
/// CronJob) and by <c>kubectl bastio keys rotate</c> and <c>regenerate</c>: set
/// <c>bastio.io/rotate-requested-at</c> to a fresh value, then wait until the operator answers that value in
/// status (<c>status.lastRotationRequest</c>) with the Rotated condition True (done) or False (failed, with
/// its message as the reason), or until the wait runs out.
/// </summary>
/// <remarks>
/// The operator sets <c>status.lastRotationRequest</c> only once the new key is delivered, so a completed
/// request's delivery Secret already holds the new key.
/// </remarks>
public sealed class RotationRequest(IResourceClient<ApiKey> apiKeys, TimeProvider timeProvider)
{
    /// <summary>Who asked: the audit line's actor (the operator reads <c>user</c> when it is absent).</summary>
    public const string RequestedByAnnotation = "bastio.io/rotate-requested-by";

    /// <summary>Sends the request and waits up to <paramref name="wait"/> for its answer.</summary>
    /// <param name="actor">The audit line's actor; null removes an earlier one, so the operator records <c>user</c>.</param>
    /// <param name="grace">
    /// Overrides <c>spec.rotation.gracePeriod</c> for this request (<c>0s</c> regenerates: the old key stops
    /// working at once); null keeps the spec's grace, whatever an earlier request asked for.
    /// </param>
    /// <param name="fieldManager">The server-side field manager of the annotation patch.</param>
    public async Task<RotationResult> RunAsync(
        string ns, string name, TimeSpan wait, string? actor, string? grace, string fieldManager, CancellationToken cancellationToken)
    {
        var request = await SendAsync(ns, name, actor, grace, fieldManager, cancellationToken).ConfigureAwait(false);
        return request is null
            ? new RotationResult(RotationOutcome.NotFound, null, null, null)
            : await WaitForAnswerAsync(ns, name, request, wait, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes a fresh request to the ApiKey; returns its value, or null when the ApiKey does not exist.</summary>
    public async Task<string?> SendAsync(string ns, string name, string? actor, string? grace, string fieldManager, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(ns);
        ArgumentException.ThrowIfNullOrEmpty(name);

        // Sub-second precision: two requests in the same second are still two requests; still RFC 3339.
        var request = timeProvider.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
        try
        {
            await apiKeys.PatchAsync(ns, name, PatchType.Merge, AnnotationPatch(request, actor, grace), options: new WriteOptions { FieldManager = fieldManager }, cancellationToken: cancellationToken).ConfigureAwait(false);
            return request;
        }
        catch (NotFoundException)
        {
            return null;
        }
    }

    /// <summary>Waits up to <paramref name="wait"/> for the operator's answer to <paramref name="request"/>.</summary>
    public async Task<RotationResult> WaitForAnswerAsync(string ns, string name, string request, TimeSpan wait, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(wait, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            return await WaitAsync(ns, name, request, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return new RotationResult(RotationOutcome.TimedOut, request, null, null);
        }
    }

    /// <summary>How status answers <paramref name="request"/>; null while it does not yet.</summary>
    public static RotationResult? Answer(ApiKey apiKey, string request)
    {
        ArgumentNullException.ThrowIfNull(apiKey);
        if (apiKey.Status?.LastRotationRequest != request)
        {
            return null;
        }

        return Conditions.Find(apiKey.Status.Conditions, ApiKeyConditions.Rotated) is { Status: Conditions.False } failed
            ? new RotationResult(RotationOutcome.Failed, request, apiKey, failed.Message is { Length: > 0 } message ? message : failed.Reason)
            : new RotationResult(RotationOutcome.Completed, request, apiKey, null);
    }

    private async Task<RotationResult> WaitAsync(string ns, string name, string request, CancellationToken cancellationToken)
    {
        var gone = new RotationResult(RotationOutcome.NotFound, request, null, null);

        // Get, then watch from that version; a dropped or expired watch starts over with a fresh get.
        while (true)
        {
            var apiKey = await apiKeys.TryGetAsync(ns, name, cancellationToken).ConfigureAwait(false);
            if (apiKey is null)
            {
                return gone;
            }

            if (Answer(apiKey, request) is { } answered)
            {
                return answered;
            }

            try
            {
                var options = new WatchOptions { FieldSelector = "metadata.name=" + name, ResourceVersion = apiKey.Metadata.ResourceVersion };
                await foreach (var change in apiKeys.WatchAsync(ns, options, cancellationToken).ConfigureAwait(false))
                {
                    if (change.Type == WatchEventType.Deleted)
                    {
                        return gone;
                    }

                    if (change.Type != WatchEventType.Bookmark && Answer(change.Object, request) is { } answer)
                    {
                        return answer;
                    }
                }
            }
            catch (GoneException)
            {
            }
        }
    }

    private static string AnnotationPatch(string request, string? actor, string? grace)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartObject("metadata");
            json.WriteStartObject("annotations");
            json.WriteString(WellKnown.RotateRequestedAtAnnotation, request);

            // Null removes the annotation: an actor or grace left by an earlier request must not carry over.
            WriteStringOrNull(json, RequestedByAnnotation, actor);
            WriteStringOrNull(json, WellKnown.RotateGraceAnnotation, grace);

            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteStringOrNull(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, value);
        }
    }
}
