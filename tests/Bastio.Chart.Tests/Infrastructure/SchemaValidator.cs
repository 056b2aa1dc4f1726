namespace Bastio.Chart.Tests.Infrastructure;

/// <summary>
/// Validates manifests against the Kubernetes OpenAPI-derived JSON schemas of the npm packages
/// kubernetes-models and @kubernetes-models/prometheus-operator (Ajv-compiled validators), through
/// tools/validate-manifests.mjs. An object of a kind neither package knows is an error.
/// </summary>
internal static class SchemaValidator
{
    private static readonly string Script = Repository.At("tests", "Bastio.Chart.Tests", "tools", "validate-manifests.mjs");

    public static Task<ProcessResult> ValidateAsync(string yaml) =>
        Processes.RunAsync(Tools.Node, [Script, Tools.NodeModules("kubernetes-models")], standardInput: yaml);
}
