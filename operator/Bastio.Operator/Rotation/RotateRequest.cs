using System.Globalization;
using System.Text.Json;
using Bastio.Core;
using Bastio.Crds;
using Bastio.Kubernetes.Api;
using Bastio.Kubernetes.Runtime.Objects;
using Bastio.Operator.Controllers;
using Bastio.Operator.Controllers.ApiKeys;
using k8s;

namespace Bastio.Operator.Rotation;

public enum RotateOutcome
{
    /// <summary>The operator rotated the key for this request.</summary>
    Completed = 0,

    /// <summary>The operator answered the request with RotationFailed (revoked, expired or invalid key).</summary>
    Failed = 2,

    /// <summary>No answer within the wait.</summary>
    TimedOut = 3,

    /// <summary>The ApiKey does not exist.</summary>
    NotFound = 4,
}

/// <summary>
/// The <c>rotate</c> command: sets <c>bastio.io/rotate-requested-at</c> to now and waits until the
/// operator reports this request done in status (the rotation CronJob's Job succeeds only then).
/// </summary>
public sealed class RotateRequest(IResourceClient<ApiKey> apiKeys, TimeProvider timeProvider)
{
    /// <summary>Who asked: the audit line's actor. The rotate command writes <c>schedule</c>.</summary>
    public const string RequestedByAnnotation = "bastio.io/rotate-requested-by";

    public const string FieldManager = "bastio-rotate";

    /// <returns>The outcome and the request value written to the annotation (null when the ApiKey is missing).</returns>
    public async Task<(RotateOutcome Outcome, string? Request)> RunAsync(string ns, string name, TimeSpan wait, string actor, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(ns);
        ArgumentException.ThrowIfNullOrEmpty(name);

        // Millisecond precision: two requests in the same second are still two requests.
        var request = timeProvider.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        try
        {
            await apiKeys.PatchAsync(ns, name, PatchType.Merge, AnnotationPatch(request, actor), options: new WriteOptions { FieldManager = FieldManager }, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (NotFoundException)
        {
            return (RotateOutcome.NotFound, null);
        }

        using var timeout = new CancellationTokenSource(wait, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            return (await WaitAsync(ns, name, request, linked.Token).ConfigureAwait(false), request);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return (RotateOutcome.TimedOut, request);
        }
    }

    /// <summary>Whether status answers <paramref name="request"/>; null while it does not yet.</summary>
    internal static RotateOutcome? Answer(ApiKey apiKey, string request)
    {
        if (apiKey.Status?.LastRotationRequest != request)
        {
            return null;
        }

        return Conditions.Find(apiKey.Status.Conditions, ApiKeyConditions.Rotated)?.Status == Conditions.False
            ? RotateOutcome.Failed
            : RotateOutcome.Completed;
    }

    private async Task<RotateOutcome> WaitAsync(string ns, string name, string request, CancellationToken cancellationToken)
    {
        // Get, then watch from that version; a dropped or expired watch starts over with a fresh get.
        while (true)
        {
            var apiKey = await apiKeys.TryGetAsync(ns, name, cancellationToken).ConfigureAwait(false);
            if (apiKey is null)
            {
                return RotateOutcome.NotFound;
            }

            if (Answer(apiKey, request) is { } outcome)
            {
                return outcome;
            }

            try
            {
                var options = new WatchOptions { FieldSelector = "metadata.name=" + name, ResourceVersion = apiKey.Metadata.ResourceVersion };
                await foreach (var change in apiKeys.WatchAsync(ns, options, cancellationToken).ConfigureAwait(false))
                {
                    if (change.Type == WatchEventType.Deleted)
                    {
                        return RotateOutcome.NotFound;
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

    private static string AnnotationPatch(string request, string actor)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartObject("metadata");
            json.WriteStartObject("annotations");
            json.WriteString(WellKnown.RotateRequestedAtAnnotation, request);
            json.WriteString(RequestedByAnnotation, actor);

            // A scheduled rotation keeps the spec's grace period, whatever an earlier regenerate asked for.
            json.WriteNull(WellKnown.RotateGraceAnnotation);
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
