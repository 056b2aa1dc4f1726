using System.CommandLine;
using Bastio.Crds;
using k8s;
using k8s.Models;
using Bastio.Plugin.Cli;
using Bastio.Plugin.Kube;
using Bastio.Plugin.Output;

namespace Bastio.Plugin.Audit;

/// <summary><c>kubectl bastio audit [NAME]</c>: the operator's Events for Bastio objects, oldest first.</summary>
public static class AuditCommand
{
    private static readonly string[] Kinds = ["ApiKey", "ProviderKey", "Proxy"];

    public static Command Create(CliBinder binder)
    {
        var name = new Argument<string?>("name") { Description = "Only this object's Events (an ApiKey, ProviderKey or Proxy name)", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("audit", "Show key lifecycle Events (created, rotated, revoked...) in time order") { name };
        binder.SetAction(command, async (context, parseResult, cancellationToken) =>
        {
            var objectName = parseResult.GetValue(name);
            var events = (await context.Cluster.ListAsync(context.Cluster.Events, context.Namespace, cancellationToken))
                .Where(item => item.Regarding is { } regarding
                    && regarding.ApiVersion?.StartsWith(BastioResources.Group + "/", StringComparison.Ordinal) != false
                    && Kinds.Contains(regarding.Kind)
                    && (objectName is null || regarding.Name == objectName))
                .OrderBy(OccurredAt)
                .ThenBy(item => item.Metadata.Name, StringComparer.Ordinal)
                .ToList();
            if (objectName is not null && events.Count == 0)
            {
                // An unknown name should not look like a quiet key.
                await FindObjectAsync(context, objectName, cancellationToken);
            }

            if (context.Output != OutputFormat.Table)
            {
                var list = new KubernetesList<Eventsv1Event>(events, "events.k8s.io/v1", "EventList", new V1ListMeta());
                ObjectPrinter.Write(context.Out, context.Output, list, PluginJsonContext.Default.KubernetesListEventsv1Event);
                return;
            }

            if (events.Count == 0)
            {
                await context.Error.WriteLineAsync(objectName is null ? $"No Bastio events in namespace {context.Namespace}." : $"No events for {objectName} yet.");
                return;
            }

            var table = new Table("TIME", "OBJECT", "TYPE", "REASON", "MESSAGE");
            foreach (var item in events)
            {
                table.AddRow(
                    Formatting.Timestamp(OccurredAt(item)),
                    $"{item.Regarding.Kind?.ToLowerInvariant()}/{item.Regarding.Name}",
                    item.Type,
                    item.Reason,
                    Count(item) is > 1 and var count ? $"{item.Note} (x{count})" : item.Note);
            }

            table.WriteTo(context.Out);
        });
        return command;
    }

    /// <summary>When it last happened, whichever Events API the writer used (events.k8s.io/v1 shows core/v1 Events' times as deprecated fields).</summary>
    private static DateTimeOffset OccurredAt(Eventsv1Event item) =>
        item.Series?.LastObservedTime ?? item.EventTime ?? item.DeprecatedLastTimestamp ?? item.DeprecatedFirstTimestamp ?? item.Metadata.CreationTimestamp ?? DateTime.MinValue;

    /// <summary>How often it happened: a series (events.k8s.io/v1) or the count of a core/v1 Event.</summary>
    private static int Count(Eventsv1Event item) => item.Series?.Count ?? item.DeprecatedCount ?? 1;

    private static async Task FindObjectAsync(CommandContext context, string name, CancellationToken cancellationToken)
    {
        var cluster = context.Cluster;
        if (await cluster.ApiKeys.TryGetAsync(context.Namespace, name, cancellationToken) is null
            && await cluster.ProviderKeys.TryGetAsync(context.Namespace, name, cancellationToken) is null
            && await cluster.Proxies.TryGetAsync(context.Namespace, name, cancellationToken) is null)
        {
            throw CommandException.NotFound($"no ApiKey, ProviderKey or Proxy named \"{name}\" in namespace \"{context.Namespace}\"");
        }
    }
}
