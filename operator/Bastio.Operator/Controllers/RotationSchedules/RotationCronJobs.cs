using System.Security.Cryptography;
using System.Text.Json;
using Bastio.Core;
using Bastio.Crds;
using Bastio.Kubernetes.Client;
using Bastio.Kubernetes.Models;
using Bastio.Kubernetes.Serialization;
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
            await RemoveAsync(apiKey.Metadata.Namespace!, apiKey.Metadata.Name!, cancellationToken).ConfigureAwait(false);
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

    internal CronJob Build(ApiKey apiKey)
    {
        var ns = apiKey.Metadata.Namespace!;
        var name = apiKey.Metadata.Name!;
        var labels = ManagedLabels.ForSource(apiKey, "ApiKey", WellKnown.Components.RotationCronJob, null);
        var cronJob = new CronJob
        {
            ApiVersion = "batch/v1",
            Kind = "CronJob",
            Metadata = new ObjectMeta
            {
                Name = ManagedObjectNames.RotationCronJob(ns, name),
                Namespace = options.SystemNamespace,
                Labels = labels,
            },
            Spec = new CronJobSpec
            {
                Schedule = apiKey.Spec.Rotation!.Schedule!,

                // status.nextRotationAt is computed in UTC; the CronJob must fire at the same instants.
                TimeZone = "Etc/UTC",
                ConcurrencyPolicy = "Forbid",
                SuccessfulJobsHistoryLimit = 1,
                FailedJobsHistoryLimit = 3,
                JobTemplate = new JobTemplateSpec
                {
                    Metadata = new ObjectMeta { Labels = new(labels, StringComparer.Ordinal) },
                    Spec = new JobSpec
                    {
                        BackoffLimit = 2,
                        TtlSecondsAfterFinished = 86_400,
                        Template = new PodTemplateSpec
                        {
                            Metadata = new ObjectMeta { Labels = new(labels, StringComparer.Ordinal) },
                            Spec = new PodSpec
                            {
                                ServiceAccountName = options.RotatorServiceAccount,
                                RestartPolicy = "Never",
                                SecurityContext = new PodSecurityContext
                                {
                                    RunAsNonRoot = true,
                                    RunAsUser = NonRootUser,
                                    RunAsGroup = NonRootUser,
                                    SeccompProfile = new SeccompProfile { Type = "RuntimeDefault" },
                                },
                                Containers =
                                [
                                    new Container
                                    {
                                        Name = "rotate",
                                        Image = options.RotatorImage,
                                        Args = ["rotate", "--namespace", ns, "--name", name, "--wait", RotateWait],
                                        SecurityContext = new SecurityContext
                                        {
                                            RunAsNonRoot = true,
                                            ReadOnlyRootFilesystem = true,
                                            AllowPrivilegeEscalation = false,
                                            Capabilities = new Capabilities { Drop = ["ALL"] },
                                        },
                                    },
                                ],
                            },
                        },
                    },
                },
            },
        };
        var spec = JsonSerializer.SerializeToUtf8Bytes(cronJob.Spec, KubernetesJsonContext.Default.CronJobSpec);
        cronJob.Metadata.Annotations = ManagedAnnotations.With(null);
        cronJob.Metadata.Annotations[SpecHashAnnotation] = Convert.ToHexStringLower(SHA256.HashData(spec))[..16];
        return cronJob;
    }
}
