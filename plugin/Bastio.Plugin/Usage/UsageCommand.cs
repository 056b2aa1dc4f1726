using System.CommandLine;
using System.Globalization;
using Bastio.Crds;
using k8s;
using k8s.Models;
using Bastio.Plugin.Cli;
using Bastio.Plugin.Output;

namespace Bastio.Plugin.Usage;

/// <summary>
/// <c>kubectl bastio usage [KEY]</c>: tokens, cost and budget used this period per ApiKey, as the
/// gateways report them in <c>status.usage</c> (at most a minute old, and at once at each budget threshold).
/// </summary>
public static class UsageCommand
{
    public static Command Create(CliBinder binder)
    {
        var name = new Argument<string?>("name") { Description = "Only this ApiKey", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("usage", "Show tokens, cost and budget used this period per API key") { name };
        binder.SetAction(command, async (context, parseResult, cancellationToken) =>
        {
            var cluster = context.Cluster;
            List<ApiKey> keys = parseResult.GetValue(name) is { } keyName
                ? [await cluster.GetAsync(cluster.ApiKeys, context.Namespace, keyName, cancellationToken)]
                : [.. (await cluster.ListAsync(cluster.ApiKeys, context.Namespace, cancellationToken)).OrderBy(key => key.Metadata.Name, StringComparer.Ordinal)];
            if (context.Output != OutputFormat.Table)
            {
                var list = new KubernetesList<ApiKey>(keys, "v1", "List", new V1ListMeta());
                ObjectPrinter.Write(context.Out, context.Output, list, BastioJsonContext.Default.KubernetesListApiKey);
                return;
            }

            var table = new Table("NAME", "PERIOD-START", "TOKENS", "COST", "BUDGET", "USED", "UNPRICED", "TOKEN-LIMIT", "REPORTED");
            foreach (var key in keys)
            {
                var usage = key.Status?.Usage;
                table.AddRow(
                    key.Metadata.Name,
                    usage?.PeriodStart?[..10] ?? "-",
                    usage?.Tokens?.ToString("N0", CultureInfo.InvariantCulture) ?? "-",
                    usage?.Cost is { } cost ? "$" + cost : "-",
                    key.Spec.Budget is { } budget ? $"${budget.Amount}/{budget.Period}" : "-",
                    usage?.BudgetUsedPercent is { } percent ? percent + "%" : "-",
                    usage?.UnpricedRequests?.ToString(CultureInfo.InvariantCulture) ?? "-",
                    UsageText.TokenLimit(key) ?? "-",
                    usage?.UpdatedAt ?? "never");
            }

            table.WriteTo(context.Out);
        });
        return command;
    }
}
