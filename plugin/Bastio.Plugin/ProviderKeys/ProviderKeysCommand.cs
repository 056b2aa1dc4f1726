using System.CommandLine;
using System.Text;
using Bastio.Core;
using Bastio.Crds;
using Bastio.Crds.Vocabulary;
using Bastio.Kubernetes.Api;
using k8s;
using k8s.Models;
using Bastio.Plugin.Cli;
using Bastio.Plugin.Output;

namespace Bastio.Plugin.ProviderKeys;

/// <summary><c>kubectl bastio provider-keys ...</c>: the provider credentials proxies forward with.</summary>
public static class ProviderKeysCommand
{

    public static Command Create(CliBinder binder)
    {
        var command = new Command("provider-keys", "Add and list provider keys (ProviderKey objects and their source Secrets)");
        command.Subcommands.Add(Add(binder));
        command.Subcommands.Add(List(binder));
        return command;
    }

    private static Command Add(CliBinder binder)
    {
        var name = new Argument<string>("name") { Description = "The ProviderKey's name" };
        var proxy = new Option<string>("--proxy") { Description = "The Proxy this credential serves", Required = true };
        var provider = new Option<string>("--provider") { Description = "The Proxy's provider, checked so a key is not added to the wrong proxy", Required = true };
        provider.AcceptOnlyFromAmong([.. Providers.All]);
        var fromEnv = new Option<string>("--from-env")
        {
            Description = "Environment variable holding the provider's API key (keeps it out of shell history)",
            Required = true,
        };
        var label = new Option<string?>("--label") { Description = "Free text, e.g. \"OpenAI Production\"" };
        var weight = new Option<int?>("--weight") { Description = "1-100: share of the proxy's traffic (default 100)" };
        var replaces = new Option<string?>("--replaces") { Description = "An older ProviderKey of the proxy to migrate traffic from" };
        var command = new Command("add", "Store a provider API key in a Secret and create the ProviderKey that uses it")
        {
            name, proxy, provider, fromEnv, label, weight, replaces,
        };
        binder.SetAction(command, async (context, parseResult, cancellationToken) =>
        {
            var keyName = parseResult.GetRequiredValue(name);
            var variable = parseResult.GetRequiredValue(fromEnv);
            var value = Environment.GetEnvironmentVariable(variable);
            if (string.IsNullOrWhiteSpace(value))
            {
                throw CommandException.Usage($"--from-env: environment variable {variable} is not set or empty");
            }

            if (parseResult.GetValue(weight) is < 1 or > 100)
            {
                throw CommandException.Usage("--weight must be between 1 and 100");
            }

            var proxyName = parseResult.GetRequiredValue(proxy);
            var target = await context.Cluster.GetAsync(context.Cluster.Proxies, context.Namespace, proxyName, cancellationToken);
            var expected = parseResult.GetRequiredValue(provider);
            if (target.Spec.Provider != expected)
            {
                throw CommandException.Usage($"proxy \"{proxyName}\" is for provider {target.Spec.Provider}, not {expected}");
            }

            if (parseResult.GetValue(replaces) is { } old
                && (await context.Cluster.GetAsync(context.Cluster.ProviderKeys, context.Namespace, old, cancellationToken)).Spec.ProxyRef.Name is var oldProxy
                && oldProxy != proxyName)
            {
                throw CommandException.Usage($"--replaces: providerkey \"{old}\" serves proxy {oldProxy}, not {proxyName}; only a key of the same proxy can be replaced");
            }

            var secretName = $"{keyName}-credentials";
            var writeOptions = new WriteOptions { FieldManager = "kubectl-bastio" };
            try
            {
                await context.Cluster.Secrets.CreateAsync(
                    new V1Secret
                    {
                        ApiVersion = "v1",
                        Kind = "Secret",
                        Metadata = new() { Name = secretName, NamespaceProperty = context.Namespace, Labels = new Dictionary<string, string> { [WellKnown.Labels.ProviderKeySource] = WellKnown.Labels.ProviderKeySourceValue } },
                        Type = "Opaque",
                        Data = new Dictionary<string, byte[]>() { ["apiKey"] = Encoding.UTF8.GetBytes(value.Trim()) },
                    },
                    writeOptions,
                    cancellationToken);
                await context.Cluster.ProviderKeys.CreateAsync(
                    new ProviderKey
                    {
                        ApiVersion = BastioResources.ApiVersion,
                        Kind = "ProviderKey",
                        Metadata = new() { Name = keyName, NamespaceProperty = context.Namespace },
                        Spec = new()
                        {
                            ProxyRef = new() { Name = proxyName },
                            SecretRef = new() { Name = secretName, Key = "apiKey" },
                            Label = parseResult.GetValue(label),
                            Weight = parseResult.GetValue(weight),
                            Replaces = parseResult.GetValue(replaces),
                        },
                    },
                    writeOptions,
                    cancellationToken);
            }
            catch (AlreadyExistsException exception)
            {
                throw new CommandException(ExitCodes.Error, $"{exception.Status.Details?.Kind ?? "object"} \"{exception.Status.Details?.Name}\" already exists in namespace \"{context.Namespace}\"");
            }

            await context.Out.WriteLineAsync($"secret/{secretName} and providerkey/{keyName} created for proxy {proxyName}");
        });
        return command;
    }

    private static Command List(CliBinder binder)
    {
        var allNamespaces = new Option<bool>("--all-namespaces", "-A") { Description = "List in every namespace" };
        var command = new Command("list", "List provider keys: proxy, fingerprint, validation and phase") { allNamespaces };
        binder.SetAction(command, async (context, parseResult, cancellationToken) =>
        {
            var all = parseResult.GetValue(allNamespaces);
            var items = await context.Cluster.ListAsync(context.Cluster.ProviderKeys, all ? null : context.Namespace, cancellationToken);
            items.Sort((a, b) => string.CompareOrdinal($"{a.Metadata.NamespaceProperty}/{a.Metadata.Name}", $"{b.Metadata.NamespaceProperty}/{b.Metadata.Name}"));
            if (context.Output != OutputFormat.Table)
            {
                var list = new KubernetesList<ProviderKey>(items, BastioResources.ApiVersion, "ProviderKeyList", new V1ListMeta());
                ObjectPrinter.Write(context.Out, context.Output, list, BastioJsonContext.Default.KubernetesListProviderKey);
                return;
            }

            if (items.Count == 0)
            {
                await context.Error.WriteLineAsync("No provider keys found.");
                return;
            }

            string[] headers = ["NAME", "PROXY", "LABEL", "FINGERPRINT", "VALIDATED", "PHASE", "WEIGHT", "AGE"];
            var table = new Table(all ? ["NAMESPACE", .. headers] : headers);
            var now = context.Time.GetUtcNow();
            foreach (var key in items)
            {
                var validated = key.Status?.Conditions?.Find(condition => condition.Type == ProviderKeyConditions.Validated);
                string?[] cells =
                [
                    key.Metadata.Name, key.Spec.ProxyRef.Name, key.Spec.Label, key.Status?.Fingerprint,
                    validated is null ? "" : validated.Status == "True" ? "True" : $"{validated.Status} ({validated.Reason})",
                    key.Status?.Phase, $"{key.Spec.Weight ?? 100}", Formatting.Age(key.Metadata.CreationTimestamp, now),
                ];
                table.AddRow(all ? [key.Metadata.NamespaceProperty, .. cells] : cells);
            }

            table.WriteTo(context.Out);
        });
        return command;
    }
}
