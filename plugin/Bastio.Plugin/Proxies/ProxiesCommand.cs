using System.CommandLine;
using System.Globalization;
using Bastio.Crds;
using Bastio.Crds.Vocabulary;
using k8s;
using k8s.Models;
using Bastio.Plugin.Cli;
using Bastio.Plugin.Output;

namespace Bastio.Plugin.Proxies;

/// <summary><c>kubectl bastio proxies list</c>.</summary>
public static class ProxiesCommand
{
    public static Command Create(CliBinder binder)
    {
        var command = new Command("proxies", "List proxies (Proxy objects)");
        var allNamespaces = new Option<bool>("--all-namespaces", "-A") { Description = "List in every namespace" };
        var list = new Command("list", "List proxies: provider, environment, upstream, readiness and key counts") { allNamespaces };
        binder.SetAction(list, async (context, parseResult, cancellationToken) =>
        {
            var all = parseResult.GetValue(allNamespaces);
            var items = await context.Cluster.ListAsync(context.Cluster.Proxies, all ? null : context.Namespace, cancellationToken);
            items.Sort((a, b) => string.CompareOrdinal($"{a.Metadata.NamespaceProperty}/{a.Metadata.Name}", $"{b.Metadata.NamespaceProperty}/{b.Metadata.Name}"));
            if (context.Output != OutputFormat.Table)
            {
                var result = new KubernetesList<Proxy>(items, BastioResources.ApiVersion, "ProxyList", new V1ListMeta());
                ObjectPrinter.Write(context.Out, context.Output, result, BastioJsonContext.Default.KubernetesListProxy);
                return;
            }

            if (items.Count == 0)
            {
                await context.Error.WriteLineAsync("No proxies found.");
                return;
            }

            string[] headers = ["NAME", "PROVIDER", "ENVIRONMENT", "UPSTREAM", "READY", "API-KEYS", "PROVIDER-KEYS", "AGE"];
            var table = new Table(all ? ["NAMESPACE", .. headers] : headers);
            var now = context.Time.GetUtcNow();
            foreach (var proxy in items)
            {
                string?[] cells =
                [
                    proxy.Metadata.Name, proxy.Spec.Provider, proxy.Spec.Environment ?? ProxyEnvironments.Production, proxy.Spec.Upstream,
                    proxy.Status?.Conditions?.Find(condition => condition.Type == ProxyConditions.Ready)?.Status ?? "Unknown",
                    (proxy.Status?.ApiKeys ?? 0).ToString(CultureInfo.InvariantCulture),
                    (proxy.Status?.ProviderKeys ?? 0).ToString(CultureInfo.InvariantCulture),
                    Formatting.Age(proxy.Metadata.CreationTimestamp, now),
                ];
                table.AddRow(all ? [proxy.Metadata.NamespaceProperty, .. cells] : cells);
            }

            table.WriteTo(context.Out);
        });
        command.Subcommands.Add(list);
        return command;
    }
}
