namespace Bastio.Chart.Tests.Infrastructure;

/// <summary>The chart rendered by the real helm binary, as the docs install it: release bastio in bastio-system.</summary>
internal static class Helm
{
    public const string Release = "bastio";
    public const string Namespace = "bastio-system";

    public static readonly string AllFeaturesValues = Path.Combine(Repository.Chart, "ci", "all-features-values.yaml");

    private static readonly Lazy<Task<RenderedChart>> DefaultRender = new(() => TemplateAsync());
    private static readonly Lazy<Task<RenderedChart>> AllFeaturesRender = new(() => TemplateAsync("--values", AllFeaturesValues));

    /// <summary>Default values, rendered once per test run.</summary>
    public static Task<RenderedChart> Default => DefaultRender.Value;

    /// <summary>ci/all-features-values.yaml, rendered once per test run.</summary>
    public static Task<RenderedChart> AllFeatures => AllFeaturesRender.Value;

    public static Task<ProcessResult> RunAsync(params string[] arguments) => Processes.RunAsync(Tools.Helm, arguments);

    /// <summary>helm template with extra arguments (--set, --values); throws with helm's output when it fails.</summary>
    public static async Task<RenderedChart> TemplateAsync(params string[] arguments)
    {
        var result = await TryTemplateAsync(arguments);
        return result.ExitCode == 0
            ? new RenderedChart(result.StandardOutput, Manifests.Parse(result.StandardOutput))
            : throw new InvalidOperationException(result.ToString());
    }

    public static Task<ProcessResult> TryTemplateAsync(params string[] arguments) =>
        RunAsync(["template", Release, Repository.Chart, "--namespace", Namespace, .. arguments]);
}

internal sealed record RenderedChart(string Yaml, IReadOnlyList<Manifest> Manifests)
{
    public IEnumerable<Manifest> OfKind(string kind) => Manifests.Where(manifest => manifest.Kind == kind);

    public Manifest Single(string kind, string name) =>
        Manifests.SingleOrDefault(manifest => manifest.Kind == kind && manifest.Name == name)
        ?? throw new InvalidOperationException($"No {kind} {name} among: {string.Join(", ", Manifests)}");
}
