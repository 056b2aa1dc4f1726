using System.CommandLine;
using Bastio.Crds;
using Bastio.Kubernetes.Models;
using Bastio.Kubernetes.Serialization;
using Bastio.Plugin.Cli;
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
                .Where(item => item.InvolvedObject.ApiVersion?.StartsWith(BastioResources.Group + "/", StringComparison.Ordinal) != false
                    && Kinds.Contains(item.InvolvedObject.Kind)
                    && (objectName is null || item.InvolvedObject.Name == objectName))
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
                var list = new KubernetesList<Event> { ApiVersion = "v1", Kind = "EventList", Items = events };
                ObjectPrinter.Write(context.Out, context.Output, list, KubernetesJsonContext.Default.KubernetesListEvent);
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
                    $"{item.InvolvedObject.Kind?.ToLowerInvariant()}/{item.InvolvedObject.Name}",
                    item.Type,
                    item.Reason,
                    item.Count is > 1 ? $"{item.Message} (x{item.Count})" : item.Message);
            }

            table.WriteTo(context.Out);
        });
        return command;
    }

    /// <summary>When it last happened, whichever Events API the writer used.</summary>
    private static DateTimeOffset OccurredAt(Event item) =>
        item.LastTimestamp ?? item.EventTime ?? item.FirstTimestamp ?? item.Metadata.CreationTimestamp ?? DateTimeOffset.MinValue;

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
