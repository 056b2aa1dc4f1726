namespace Bastio.Kubernetes.TestCluster.Storage;

/// <summary>How the server treats fields the schema does not know (the <c>fieldValidation</c> parameter).</summary>
internal enum FieldValidation
{
    Strict,
    Warn,
    Ignore,
}

/// <summary>Per-request write settings, and the warnings the write produced.</summary>
internal sealed class WriteContext
{
    public bool DryRun { get; init; }
    public FieldValidation FieldValidation { get; init; } = FieldValidation.Strict;
    public List<string> Warnings { get; } = [];

    /// <summary>The field manager a request writes as; null for the server's own writes, which record no ownership.</summary>
    public string? Manager { get; init; }

    /// <summary>Whether the body's managedFields were computed by server-side apply and are to be stored as they are.</summary>
    public bool ManagedFieldsComputed { get; init; }
}

/// <summary>The parts of DeleteOptions the store honours.</summary>
internal sealed record DeleteOptions(string? PropagationPolicy, string? PreconditionUid, string? PreconditionResourceVersion, bool DryRun);

/// <summary>The outcome of a DELETE: the final object, and whether it is gone or only terminating.</summary>
internal sealed record DeleteResult(System.Text.Json.Nodes.JsonObject Object, bool Deleted);
