using System.Text.Json.Serialization;
using Bastio.Kubernetes.Serialization;

namespace Bastio.Kubernetes.Models;

/// <summary>batch/v1 CronJob.</summary>
public sealed class CronJob : KubernetesObject
{
    [JsonPropertyName("spec")]
    public CronJobSpec Spec { get; set; } = new();

    [JsonPropertyName("status")]
    public CronJobStatus? Status { get; set; }
}

public sealed class CronJobSpec
{
    /// <summary>Five-field cron expression.</summary>
    [JsonPropertyName("schedule")]
    public string Schedule { get; set; } = "";

    [JsonPropertyName("timeZone")]
    public string? TimeZone { get; set; }

    /// <summary>"Allow", "Forbid" or "Replace".</summary>
    [JsonPropertyName("concurrencyPolicy")]
    public string? ConcurrencyPolicy { get; set; }

    [JsonPropertyName("suspend")]
    public bool? Suspend { get; set; }

    [JsonPropertyName("startingDeadlineSeconds")]
    public long? StartingDeadlineSeconds { get; set; }

    [JsonPropertyName("successfulJobsHistoryLimit")]
    public int? SuccessfulJobsHistoryLimit { get; set; }

    [JsonPropertyName("failedJobsHistoryLimit")]
    public int? FailedJobsHistoryLimit { get; set; }

    [JsonPropertyName("jobTemplate")]
    public JobTemplateSpec JobTemplate { get; set; } = new();
}

public sealed class CronJobStatus
{
    [JsonPropertyName("active")]
    public List<ObjectReference>? Active { get; set; }

    [JsonPropertyName("lastScheduleTime")]
    [JsonConverter(typeof(Rfc3339TimeConverter))]
    public DateTimeOffset? LastScheduleTime { get; set; }

    [JsonPropertyName("lastSuccessfulTime")]
    [JsonConverter(typeof(Rfc3339TimeConverter))]
    public DateTimeOffset? LastSuccessfulTime { get; set; }
}

public sealed class JobTemplateSpec
{
    [JsonPropertyName("metadata")]
    public ObjectMeta? Metadata { get; set; }

    [JsonPropertyName("spec")]
    public JobSpec Spec { get; set; } = new();
}

/// <summary>batch/v1 Job.</summary>
public sealed class Job : KubernetesObject
{
    [JsonPropertyName("spec")]
    public JobSpec Spec { get; set; } = new();

    [JsonPropertyName("status")]
    public JobStatus? Status { get; set; }
}

public sealed class JobSpec
{
    [JsonPropertyName("backoffLimit")]
    public int? BackoffLimit { get; set; }

    [JsonPropertyName("activeDeadlineSeconds")]
    public long? ActiveDeadlineSeconds { get; set; }

    [JsonPropertyName("ttlSecondsAfterFinished")]
    public int? TtlSecondsAfterFinished { get; set; }

    [JsonPropertyName("completions")]
    public int? Completions { get; set; }

    [JsonPropertyName("parallelism")]
    public int? Parallelism { get; set; }

    [JsonPropertyName("template")]
    public PodTemplateSpec Template { get; set; } = new();
}

public sealed class JobStatus
{
    [JsonPropertyName("active")]
    public int? Active { get; set; }

    [JsonPropertyName("succeeded")]
    public int? Succeeded { get; set; }

    [JsonPropertyName("failed")]
    public int? Failed { get; set; }

    [JsonPropertyName("startTime")]
    [JsonConverter(typeof(Rfc3339TimeConverter))]
    public DateTimeOffset? StartTime { get; set; }

    [JsonPropertyName("completionTime")]
    [JsonConverter(typeof(Rfc3339TimeConverter))]
    public DateTimeOffset? CompletionTime { get; set; }

    /// <summary>Job conditions ("Complete", "Failed"...) share metav1.Condition's shape closely enough.</summary>
    [JsonPropertyName("conditions")]
    public List<Condition>? Conditions { get; set; }
}

public sealed class PodTemplateSpec
{
    [JsonPropertyName("metadata")]
    public ObjectMeta? Metadata { get; set; }

    [JsonPropertyName("spec")]
    public PodSpec Spec { get; set; } = new();
}

public sealed class PodSpec
{
    [JsonPropertyName("serviceAccountName")]
    public string? ServiceAccountName { get; set; }

    [JsonPropertyName("automountServiceAccountToken")]
    public bool? AutomountServiceAccountToken { get; set; }

    /// <summary>"Always", "OnFailure" or "Never" (Jobs allow only the last two).</summary>
    [JsonPropertyName("restartPolicy")]
    public string? RestartPolicy { get; set; }

    [JsonPropertyName("containers")]
    public List<Container> Containers { get; set; } = [];

    [JsonPropertyName("securityContext")]
    public PodSecurityContext? SecurityContext { get; set; }

    [JsonPropertyName("nodeSelector")]
    public Dictionary<string, string>? NodeSelector { get; set; }
}

public sealed class Container
{
    [JsonPropertyName("name")]
    public string Name { get; set; } = "";

    [JsonPropertyName("image")]
    public string? Image { get; set; }

    [JsonPropertyName("imagePullPolicy")]
    public string? ImagePullPolicy { get; set; }

    [JsonPropertyName("command")]
    public List<string>? Command { get; set; }

    [JsonPropertyName("args")]
    public List<string>? Args { get; set; }

    [JsonPropertyName("env")]
    public List<EnvVar>? Env { get; set; }

    [JsonPropertyName("resources")]
    public ResourceRequirements? Resources { get; set; }

    [JsonPropertyName("securityContext")]
    public SecurityContext? SecurityContext { get; set; }
}

public sealed class EnvVar
{
    [JsonPropertyName("name")]
    public string Name { get; set; } = "";

    [JsonPropertyName("value")]
    public string? Value { get; set; }

    [JsonPropertyName("valueFrom")]
    public EnvVarSource? ValueFrom { get; set; }
}

public sealed class EnvVarSource
{
    [JsonPropertyName("secretKeyRef")]
    public KeySelector? SecretKeyRef { get; set; }

    [JsonPropertyName("configMapKeyRef")]
    public KeySelector? ConfigMapKeyRef { get; set; }

    [JsonPropertyName("fieldRef")]
    public ObjectFieldSelector? FieldRef { get; set; }
}

/// <summary>A key of a Secret or ConfigMap in the pod's namespace.</summary>
public sealed class KeySelector
{
    [JsonPropertyName("name")]
    public string Name { get; set; } = "";

    [JsonPropertyName("key")]
    public string Key { get; set; } = "";

    [JsonPropertyName("optional")]
    public bool? Optional { get; set; }
}

public sealed class ObjectFieldSelector
{
    /// <summary>e.g. <c>metadata.namespace</c>.</summary>
    [JsonPropertyName("fieldPath")]
    public string FieldPath { get; set; } = "";
}

/// <summary>Quantities stay strings ("100m", "64Mi"): the client never does arithmetic on them.</summary>
public sealed class ResourceRequirements
{
    [JsonPropertyName("limits")]
    public Dictionary<string, string>? Limits { get; set; }

    [JsonPropertyName("requests")]
    public Dictionary<string, string>? Requests { get; set; }
}

public sealed class SecurityContext
{
    [JsonPropertyName("runAsNonRoot")]
    public bool? RunAsNonRoot { get; set; }

    [JsonPropertyName("runAsUser")]
    public long? RunAsUser { get; set; }

    [JsonPropertyName("runAsGroup")]
    public long? RunAsGroup { get; set; }

    [JsonPropertyName("readOnlyRootFilesystem")]
    public bool? ReadOnlyRootFilesystem { get; set; }

    [JsonPropertyName("allowPrivilegeEscalation")]
    public bool? AllowPrivilegeEscalation { get; set; }

    [JsonPropertyName("privileged")]
    public bool? Privileged { get; set; }

    [JsonPropertyName("capabilities")]
    public Capabilities? Capabilities { get; set; }

    [JsonPropertyName("seccompProfile")]
    public SeccompProfile? SeccompProfile { get; set; }
}

public sealed class PodSecurityContext
{
    [JsonPropertyName("runAsNonRoot")]
    public bool? RunAsNonRoot { get; set; }

    [JsonPropertyName("runAsUser")]
    public long? RunAsUser { get; set; }

    [JsonPropertyName("runAsGroup")]
    public long? RunAsGroup { get; set; }

    [JsonPropertyName("fsGroup")]
    public long? FsGroup { get; set; }

    [JsonPropertyName("seccompProfile")]
    public SeccompProfile? SeccompProfile { get; set; }
}

public sealed class Capabilities
{
    [JsonPropertyName("add")]
    public List<string>? Add { get; set; }

    [JsonPropertyName("drop")]
    public List<string>? Drop { get; set; }
}

public sealed class SeccompProfile
{
    /// <summary>"RuntimeDefault", "Localhost" or "Unconfined".</summary>
    [JsonPropertyName("type")]
    public string Type { get; set; } = "RuntimeDefault";

    [JsonPropertyName("localhostProfile")]
    public string? LocalhostProfile { get; set; }
}
