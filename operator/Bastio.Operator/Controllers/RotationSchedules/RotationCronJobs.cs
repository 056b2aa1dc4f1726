using System.Security.Cryptography;
using System.Text.Json;
using Bastio.Core;
using Bastio.Crds;
using Bastio.Kubernetes.Api;
using k8s;
using k8s.Models;
using Bastio.Operator.Cluster;
using Bastio.Operator.Configuration;
using Bastio.Operator.ManagedObjects;

namespace Bastio.Operator.Controllers.RotationSchedules;

/// <summary>
/// Writes and removes the CronJob of an ApiKey with <c>spec.rotation</c>: in the system namespace,
/// running the operator image's <c>rotate</c> command as an unprivileged, read-only pod.
/// </summary>
internal sealed class RotationCronJobs(ResourceClients clients, OperatorCaches caches, OperatorOptions options)
{
    /// <summary>Hash of the desired spec: API servers default many CronJob fields, so comparing specs directly would rewrite forever.</summary>
    public const string SpecHashAnnotation = "bastio.io/spec-hash";

    /// <summary>The rotate command's own timeout: long enough for a busy operator, short of the Job's deadline.</summary>
    public const string RotateWait = "5m";

    private const long NonRootUser = 65532;

    public async Task EnsureAsync(ApiKey apiKey, CancellationToken cancellationToken)
    {
        if (apiKey.Spec.Rotation?.Schedule is not { Length: > 0 })
        {
            await RemoveAsync(apiKey.Metadata.NamespaceProperty!, apiKey.Metadata.Name!, cancellationToken).ConfigureAwait(false);
            return;
        }

        var desired = Build(apiKey);
        var existing = caches.CronJobs.Store.Get(options.SystemNamespace, desired.Metadata.Name!);
        if (existing is not null
            && existing.Metadata.Annotations?.GetValueOrDefault(SpecHashAnnotation) == desired.Metadata.Annotations![SpecHashAnnotation]
            && existing.Metadata.Labels?.GetValueOrDefault(WellKnown.Labels.SourceUid) == apiKey.Metadata.Uid
            && ManagedAnnotations.Present(existing.Metadata))
        {
            return;
        }

        if (existing is null)
        {
            try
            {
                await clients.CronJobs.CreateAsync(desired, cancellationToken: cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (AlreadyExistsException)
            {
                // The cache is behind; replace what is there (the conflict check keeps it safe).
                existing = await clients.CronJobs.GetAsync(options.SystemNamespace, desired.Metadata.Name!, cancellationToken).ConfigureAwait(false);
            }
        }

        desired.Metadata.ResourceVersion = existing.Metadata.ResourceVersion;
        await clients.CronJobs.ReplaceAsync(desired, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Removes the CronJob of the ApiKey <paramref name="apiKeyNamespace"/>/<paramref name="apiKeyName"/>, if there is one.</summary>
    public async Task RemoveAsync(string apiKeyNamespace, string apiKeyName, CancellationToken cancellationToken)
    {
        var name = ManagedObjectNames.RotationCronJob(apiKeyNamespace, apiKeyName);
        if (caches.CronJobs.Store.Get(options.SystemNamespace, name) is null)
        {
            return;
        }

        try
        {
            // Background propagation removes the CronJob's Jobs and pods too.
            await clients.CronJobs.DeleteAsync(options.SystemNamespace, name, new DeleteOptions { PropagationPolicy = PropagationPolicy.Background }, cancellationToken).ConfigureAwait(false);
        }
        catch (NotFoundException)
        {
        }
    }

    internal V1CronJob Build(ApiKey apiKey)
    {
        var ns = apiKey.Metadata.NamespaceProperty!;
        var name = apiKey.Metadata.Name!;
        var labels = ManagedLabels.ForSource(apiKey, "ApiKey", WellKnown.Components.RotationCronJob, null);
        var cronJob = new V1CronJob
        {
            ApiVersion = "batch/v1",
            Kind = "CronJob",
            Metadata = new V1ObjectMeta
            {
                Name = ManagedObjectNames.RotationCronJob(ns, name),
                NamespaceProperty = options.SystemNamespace,
                Labels = labels,
            },
            Spec = new V1CronJobSpec
            {
                Schedule = apiKey.Spec.Rotation!.Schedule!,

                // status.nextRotationAt is computed in UTC; the CronJob must fire at the same instants.
                TimeZone = "Etc/UTC",
                ConcurrencyPolicy = "Forbid",
                SuccessfulJobsHistoryLimit = 1,
                FailedJobsHistoryLimit = 3,
                JobTemplate = new V1JobTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string>(labels, StringComparer.Ordinal) },
                    Spec = new V1JobSpec
                    {
                        BackoffLimit = 2,
                        TtlSecondsAfterFinished = 86_400,
                        Template = new V1PodTemplateSpec
                        {
                            Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string>(labels, StringComparer.Ordinal) },
                            Spec = new V1PodSpec
                            {
                                ServiceAccountName = options.RotatorServiceAccount,
                                RestartPolicy = "Never",
                                SecurityContext = new V1PodSecurityContext
                                {
                                    RunAsNonRoot = true,
                                    RunAsUser = NonRootUser,
                                    RunAsGroup = NonRootUser,
                                    SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" },
                                },
                                Containers =
                                [
                                    new V1Container
                                    {
                                        Name = "rotate",
                                        Image = options.RotatorImage,
                                        Args = ["rotate", "--namespace", ns, "--name", name, "--wait", RotateWait],
                                        SecurityContext = new V1SecurityContext
                                        {
                                            RunAsNonRoot = true,
                                            ReadOnlyRootFilesystem = true,
                                            AllowPrivilegeEscalation = false,
                                            Capabilities = new V1Capabilities { Drop = ["ALL"] },
                                        },
                                    },
                                ],
                            },
                        },
                    },
                },
            },
        };
        var spec = JsonSerializer.SerializeToUtf8Bytes(cronJob.Spec, SourceGenerationContext.Default.V1CronJobSpec);
        cronJob.Metadata.Annotations = ManagedAnnotations.With(null);
        cronJob.Metadata.Annotations[SpecHashAnnotation] = Convert.ToHexStringLower(SHA256.HashData(spec))[..16];
        return cronJob;
    }
}
