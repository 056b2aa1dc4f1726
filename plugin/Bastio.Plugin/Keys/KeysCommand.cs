using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Bastio.Core;
using Bastio.Crds;
using Bastio.Crds.Rotation;
using Bastio.Crds.Vocabulary;
using Bastio.Kubernetes.Api;
using k8s;
using k8s.Models;
using Bastio.Plugin.Cli;
using Bastio.Plugin.Kube;
using Bastio.Plugin.Output;
using Bastio.Plugin.Usage;

namespace Bastio.Plugin.Keys;

/// <summary><c>kubectl bastio keys ...</c>: the ApiKey lifecycle.</summary>
public static class KeysCommand
{
    /// <summary>The grace <c>keys regenerate</c> asks for: none, the previous key stops working at once.</summary>
    private const string NoGrace = "0s";

    private const string FieldManager = "kubectl-bastio";

    public static Command Create(CliBinder binder)
    {
        var keys = new Command("keys", "Create, inspect, rotate, disable and revoke API keys (ApiKey objects)");
        keys.Subcommands.Add(List(binder));
        keys.Subcommands.Add(CreateKey(binder));
        keys.Subcommands.Add(Show(binder));
        keys.Subcommands.Add(Rotate(binder));
        keys.Subcommands.Add(Regenerate(binder));
        keys.Subcommands.Add(SetDisabled(binder, "disable", disabled: true));
        keys.Subcommands.Add(SetDisabled(binder, "enable", disabled: false));
        keys.Subcommands.Add(Revoke(binder));
        return keys;
    }

    private static Argument<string> NameArgument() => new("name") { Description = "The ApiKey's name" };

    private static Command List(CliBinder binder)
    {
        var allNamespaces = new Option<bool>("--all-namespaces", "-A") { Description = "List keys in every namespace" };
        var command = new Command("list", "List API keys: key id, proxy, permissions, phase, expiry and last rotation") { allNamespaces };
        binder.SetAction(command, async (context, parseResult, cancellationToken) =>
        {
            var all = parseResult.GetValue(allNamespaces);
            var items = await context.Cluster.ListAsync(context.Cluster.ApiKeys, all ? null : context.Namespace, cancellationToken);
            items.Sort((a, b) => string.CompareOrdinal($"{a.Metadata.NamespaceProperty}/{a.Metadata.Name}", $"{b.Metadata.NamespaceProperty}/{b.Metadata.Name}"));
            if (context.Output != OutputFormat.Table)
            {
                var list = new KubernetesList<ApiKey>(items, BastioResources.ApiVersion, "ApiKeyList", new V1ListMeta());
                ObjectPrinter.Write(context.Out, context.Output, list, BastioJsonContext.Default.KubernetesListApiKey);
                return;
            }

            if (items.Count == 0)
            {
                await context.Error.WriteLineAsync(all ? "No API keys found." : $"No API keys found in namespace {context.Namespace}.");
                return;
            }

            string[] headers = ["NAME", "KEY-ID", "PROXY", "PERMISSIONS", "PHASE", "EXPIRES", "LAST-ROTATED"];
            var table = new Table(all ? ["NAMESPACE", .. headers] : headers);
            var now = context.Time.GetUtcNow();
            foreach (var key in items)
            {
                string?[] cells =
                [
                    key.Metadata.Name, key.Status?.KeyId, key.Spec.ProxyRef.Name, Permissions(key), key.Status?.Phase,
                    Formatting.Timestamp(key.Spec.ExpiresAt), key.Status?.LastRotatedAt is { } rotated ? $"{Formatting.Age(rotated, now)} ago" : "never",
                ];
                table.AddRow(all ? [key.Metadata.NamespaceProperty, .. cells] : cells);
            }

            table.WriteTo(context.Out);
        });
        return command;
    }

    private static Command CreateKey(CliBinder binder)
    {
        var name = NameArgument();
        var proxy = new Option<string>("--proxy") { Description = "The Proxy this key may call", Required = true };
        var permissions = new Option<string[]>("--permissions") { Description = "Comma-separated: " + string.Join(",", KeyOptionParsing.Permissions) };
        var rate = new Option<string?>("--rate") { Description = "Rate limit REQUESTS/PERIOD, e.g. 1000/hour (period: second, minute, hour, day)" };
        var burst = new Option<long?>("--burst") { Description = "Bucket capacity for --rate (default: the request count)" };
        var plan = new Option<string?>("--plan") { Description = "One of the Proxy's named plans, instead of --rate" };
        var allowIp = new Option<string[]>("--allow-ip") { Description = "Allowed client CIDR or IP (repeatable)" };
        var expires = new Option<string?>("--expires") { Description = "Lifetime (90d, 12h, 2w) or an RFC 3339 time" };
        var rotate = new Option<string?>("--rotate") { Description = "Scheduled rotation, a 5-field cron expression, e.g. \"0 3 * * 1\"" };
        var grace = new Option<string?>("--grace") { Description = "How long the previous key keeps working after a scheduled rotation (default 24h)" };
        var displayName = new Option<string?>("--display-name") { Description = "Free text shown with the key" };
        var noWait = new Option<bool>("--no-wait") { Description = "Return once created; do not wait for the key (it is then not printed)" };
        var command = new Command("create", "Create an API key, wait until it is ready and print it once")
        {
            name, proxy, permissions, rate, burst, plan, allowIp, expires, rotate, grace, displayName, noWait,
        };
        binder.SetAction(command, async (context, parseResult, cancellationToken) =>
        {
            var spec = new ApiKeySpec
            {
                ProxyRef = new() { Name = parseResult.GetRequiredValue(proxy) },
                DisplayName = parseResult.GetValue(displayName),
                Plan = parseResult.GetValue(plan),
            };
            if (parseResult.GetValue(permissions) is { Length: > 0 } requested)
            {
                spec.Permissions = KeyOptionParsing.ParsePermissions(requested);
            }

            if (parseResult.GetValue(rate) is { } rateValue)
            {
                spec.RateLimit = spec.Plan is null
                    ? KeyOptionParsing.ParseRate(rateValue, parseResult.GetValue(burst))
                    : throw CommandException.Usage("--rate and --plan are exclusive");
            }
            else if (parseResult.GetValue(burst) is not null)
            {
                throw CommandException.Usage("--burst needs --rate");
            }

            if (parseResult.GetValue(allowIp) is { Length: > 0 } addresses)
            {
                spec.IpAllowList = [.. addresses.Select(KeyOptionParsing.ParseAllowedAddress)];
            }

            if (parseResult.GetValue(expires) is { } expiresValue)
            {
                spec.ExpiresAt = KeyOptionParsing.ParseExpiry(expiresValue, context.Time.GetUtcNow());
            }

            if (parseResult.GetValue(rotate) is { } schedule)
            {
                spec.Rotation = new() { Schedule = KeyOptionParsing.ParseSchedule(schedule), GracePeriod = parseResult.GetValue(grace) };
            }
            else if (parseResult.GetValue(grace) is not null)
            {
                throw CommandException.Usage("--grace needs --rotate");
            }

            // A missing Proxy would leave the key Pending forever: say so now.
            await context.Cluster.GetAsync(context.Cluster.Proxies, context.Namespace, spec.ProxyRef.Name, cancellationToken);
            var keyName = parseResult.GetRequiredValue(name);
            var key = new ApiKey
            {
                ApiVersion = BastioResources.ApiVersion,
                Kind = "ApiKey",
                Metadata = new() { Name = keyName, NamespaceProperty = context.Namespace },
                Spec = spec,
            };
            try
            {
                key = await context.Cluster.ApiKeys.CreateAsync(key, new WriteOptions { FieldManager = FieldManager }, cancellationToken);
            }
            catch (AlreadyExistsException)
            {
                throw new CommandException(ExitCodes.Error, $"apikey \"{keyName}\" already exists in namespace \"{context.Namespace}\"");
            }

            if (parseResult.GetValue(noWait))
            {
                await context.Out.WriteLineAsync($"apikey/{keyName} created; its key will be in Secret {context.Namespace}/{KeyStatus.SecretName(key)}");
                return;
            }

            var ready = await WaitUntilReadyAsync(context, keyName, cancellationToken);
            await PrintKeyAsync(context, ready, "created", replaced: null, cancellationToken);
        });
        return command;
    }

    private static Command Show(CliBinder binder)
    {
        var name = NameArgument();
        var command = new Command("show", "Show one API key's settings and status (never the key itself)") { name };
        binder.SetAction(command, async (context, parseResult, cancellationToken) =>
        {
            var key = await context.Cluster.GetAsync(context.Cluster.ApiKeys, context.Namespace, parseResult.GetRequiredValue(name), cancellationToken);
            if (context.Output != OutputFormat.Table)
            {
                ObjectPrinter.Write(context.Out, context.Output, key, BastioJsonContext.Default.ApiKey);
                return;
            }

            var spec = key.Spec;
            var status = key.Status;
            var lines = new List<(string, string?)>
            {
                ("Name", key.Metadata.Name),
                ("Namespace", key.Metadata.NamespaceProperty),
                ("Display name", spec.DisplayName),
                ("Proxy", spec.ProxyRef.Name),
                ("Key ID", status?.KeyId),
                ("Key prefix", status?.KeyPrefix),
                ("Phase", status?.Phase ?? ApiKeyPhases.Pending),
                ("Ready", KeyStatus.ReadyMessage(key)),
                ("Permissions", Permissions(key)),
                ("Rate limit", spec.Plan is { } planName ? $"plan {planName}" : spec.RateLimit is { } limit ? RateText(limit) : "proxy default"),
                ("Token limit", UsageText.TokenLimit(key)),
                ("Budget", UsageText.Budget(key)),
                ("Used this period", UsageText.Used(key)),
                ("IP allow list", spec.IpAllowList is { Count: > 0 } list ? string.Join(", ", list) : "any"),
                ("Expires", spec.ExpiresAt is { } at ? Formatting.Timestamp(at) : "never"),
                ("Rotation", spec.Rotation?.Schedule is { } cron ? $"\"{cron}\", grace {spec.Rotation.GracePeriod ?? "24h"}, next {Formatting.Timestamp(status?.NextRotationAt)}" : "manual"),
                ("Version", status?.Version?.ToString(CultureInfo.InvariantCulture)),
                ("Created", Formatting.Timestamp(status?.CreatedAt)),
                ("Last rotated", status?.LastRotatedAt is { } rotated ? Formatting.Timestamp(rotated) : "never"),
                ("Previous key until", Formatting.Timestamp(status?.PreviousKeyExpiresAt)),
                ("Secret", $"{KeyStatus.SecretName(key)} (data: apiKey, keyId, baseUrl)"),
            };
            var width = lines.Max(line => line.Item1.Length) + 2;
            foreach (var (label, value) in lines.Where(line => !string.IsNullOrEmpty(line.Item2)))
            {
                await context.Out.WriteLineAsync($"{(label + ":").PadRight(width)} {value}");
            }
        });
        return command;
    }

    private static Command Rotate(CliBinder binder)
    {
        var name = NameArgument();
        var wait = new Option<bool>("--wait") { Description = "Wait until the operator has rotated the key (or refused to)" };
        var command = new Command("rotate", "Rotate the key now; the previous key keeps working for the grace period") { name, wait };
        binder.SetAction(command, async (context, parseResult, cancellationToken) =>
        {
            var keyName = parseResult.GetRequiredValue(name);
            var rotation = new RotationRequest(context.Cluster.ApiKeys, context.Time);
            var request = await SendAsync(context, rotation, keyName, grace: null, cancellationToken);
            if (!parseResult.GetValue(wait))
            {
                await context.Out.WriteLineAsync($"apikey/{keyName} rotation requested ({request}); `kubectl bastio keys show {keyName}` shows when it is done");
                return;
            }

            var rotated = Completed(await rotation.WaitForAnswerAsync(context.Namespace, keyName, request, context.Timeout, cancellationToken), keyName, context.Timeout);
            var previous = rotated.Status?.PreviousKeyExpiresAt is { } until ? $"; the previous key works until {Formatting.Timestamp(until)}" : "";
            await context.Out.WriteLineAsync($"apikey/{keyName} rotated to version {rotated.Status?.Version}{previous}; the new key is in Secret {context.Namespace}/{KeyStatus.SecretName(rotated)}");
        });
        return command;
    }

    private static Command Regenerate(CliBinder binder)
    {
        var name = NameArgument();
        var command = new Command("regenerate", "Replace the key at once (no grace period: the old key stops working) and print the new one") { name };
        binder.SetAction(command, async (context, parseResult, cancellationToken) =>
        {
            var keyName = parseResult.GetRequiredValue(name);
            var key = await context.Cluster.GetAsync(context.Cluster.ApiKeys, context.Namespace, keyName, cancellationToken);
            var before = await context.Cluster.Secrets.TryGetAsync(context.Namespace, KeyStatus.SecretName(key), cancellationToken);
            var rotation = new RotationRequest(context.Cluster.ApiKeys, context.Time);
            var request = await SendAsync(context, rotation, keyName, NoGrace, cancellationToken);
            var rotated = Completed(await rotation.WaitForAnswerAsync(context.Namespace, keyName, request, context.Timeout, cancellationToken), keyName, context.Timeout);
            await PrintKeyAsync(context, rotated, "regenerated", DeliveredKey(before), cancellationToken);
        });
        return command;
    }

    private static Command SetDisabled(CliBinder binder, string verb, bool disabled)
    {
        var name = NameArgument();
        var description = disabled
            ? "Temporarily stop a key from working (reversible with enable)"
            : "Let a disabled key work again";
        var command = new Command(verb, description) { name };
        binder.SetAction(command, async (context, parseResult, cancellationToken) =>
        {
            var keyName = parseResult.GetRequiredValue(name);
            await PatchSpecAsync(context, keyName, new JsonObject { ["disabled"] = disabled }, cancellationToken);
            await context.Out.WriteLineAsync($"apikey/{keyName} {verb}d");
        });
        return command;
    }

    private static Command Revoke(CliBinder binder)
    {
        var name = NameArgument();
        var yes = new Option<bool>("--yes", "-y") { Description = "Do not ask for confirmation" };
        var command = new Command("revoke", "Revoke a key permanently: its key material is destroyed and cannot come back") { name, yes };
        binder.SetAction(command, async (context, parseResult, cancellationToken) =>
        {
            var keyName = parseResult.GetRequiredValue(name);
            var key = await context.Cluster.GetAsync(context.Cluster.ApiKeys, context.Namespace, keyName, cancellationToken);
            if (!parseResult.GetValue(yes))
            {
                await context.Error.WriteAsync(
                    $"Revoke apikey {context.Namespace}/{keyName} (key id {key.Status?.KeyId ?? "none"})? This cannot be undone. Type the key's name to confirm: ");
                var answer = await context.In.ReadLineAsync(cancellationToken);
                if (!string.Equals(answer?.Trim(), keyName, StringComparison.Ordinal))
                {
                    throw new CommandException(ExitCodes.Error, "not confirmed; nothing was changed (use --yes to skip the question)");
                }
            }

            await PatchSpecAsync(context, keyName, new JsonObject { ["revoked"] = true }, cancellationToken);
            await context.Out.WriteLineAsync($"apikey/{keyName} revoked");
        });
        return command;
    }

    private static async Task PatchSpecAsync(CommandContext context, string name, JsonObject spec, CancellationToken cancellationToken)
    {
        await context.Cluster.GetAsync(context.Cluster.ApiKeys, context.Namespace, name, cancellationToken);
        var patch = new JsonObject { ["spec"] = spec }.ToJsonString();
        await context.Cluster.ApiKeys.PatchAsync(context.Namespace, name, PatchType.Merge, patch, options: new WriteOptions { FieldManager = FieldManager }, cancellationToken: cancellationToken);
    }

    /// <summary>Requests a rotation by the rotate protocol; a revoked key is refused here, before anything is written.</summary>
    private static async Task<string> SendAsync(CommandContext context, RotationRequest rotation, string name, string? grace, CancellationToken cancellationToken)
    {
        var key = await context.Cluster.GetAsync(context.Cluster.ApiKeys, context.Namespace, name, cancellationToken);
        if (key.Status?.Phase is ApiKeyPhases.Revoked)
        {
            throw new CommandException(ExitCodes.Error, $"apikey \"{name}\" is revoked; a revoked key cannot be rotated");
        }

        // No actor: the operator records the request as the user's.
        return await rotation.SendAsync(context.Namespace, name, actor: null, grace, FieldManager, cancellationToken)
            ?? throw KeyGone(context, name);
    }

    /// <summary>The rotated key, or the failure as a command error: a refused or unanswered rotation is never reported as done.</summary>
    private static ApiKey Completed(RotationResult result, string name, TimeSpan timeout) => result.Outcome switch
    {
        RotationOutcome.Completed => result.ApiKey!,
        RotationOutcome.Failed => throw new CommandException(ExitCodes.Error, $"apikey/{name} was not rotated: {result.Reason}"),
        RotationOutcome.TimedOut => throw CommandException.Timeout(
            $"timed out after {Formatting.HumanDuration(timeout)} waiting for apikey/{name} to be rotated (raise --timeout, or check the operator)"),
        _ => throw CommandException.NotFound($"apikey \"{name}\" was deleted before its rotation was answered"),
    };

    private static CommandException KeyGone(CommandContext context, string name) =>
        CommandException.NotFound($"apikey \"{name}\" not found in namespace \"{context.Namespace}\"");

    private static byte[]? DeliveredKey(V1Secret? secret) => secret?.Data?.GetValueOrDefault(WellKnown.DeliverySecret.ApiKey);

    private static Task<ApiKey> WaitUntilReadyAsync(CommandContext context, string name, CancellationToken cancellationToken) =>
        context.WaitForAsync(
            async token =>
            {
                var key = await context.Cluster.GetAsync(context.Cluster.ApiKeys, context.Namespace, name, token);
                return KeyStatus.IsInvalid(key)
                    ? throw new CommandException(ExitCodes.Error, $"apikey/{name} is invalid: {KeyStatus.ReadyMessage(key)}")
                    : KeyStatus.IsReady(key) ? key : null;
            },
            $"apikey/{name} to become ready",
            cancellationToken);

    /// <summary>
    /// Reads the delivered key from the key's Secret and prints it; this is the only place the plugin shows
    /// key material. A key equal to <paramref name="replaced"/> is never printed: the wait goes on until the
    /// new key is the delivered one, or times out printing nothing.
    /// </summary>
    private static async Task PrintKeyAsync(CommandContext context, ApiKey key, string verb, byte[]? replaced, CancellationToken cancellationToken)
    {
        var name = key.Metadata.Name!;
        var secretName = KeyStatus.SecretName(key);
        var secret = await context.WaitForAsync(
            async token =>
            {
                var found = await context.Cluster.Secrets.TryGetAsync(context.Namespace, secretName, token);
                return found?.Data?.GetValueOrDefault(WellKnown.DeliverySecret.ApiKey) is { Length: > 0 } delivered
                    && (replaced is null || !CryptographicOperations.FixedTimeEquals(delivered, replaced))
                    ? found
                    : null;
            },
            $"Secret {context.Namespace}/{secretName}",
            cancellationToken);
        var created = new CreatedKey(
            name,
            context.Namespace,
            key.Status?.KeyId,
            Encoding.UTF8.GetString(secret.Data![WellKnown.DeliverySecret.ApiKey]),
            secretName,
            secret.Data.TryGetValue(WellKnown.DeliverySecret.BaseUrl, out var baseUrl) ? Encoding.UTF8.GetString(baseUrl) : null);
        if (context.Output != OutputFormat.Table)
        {
            ObjectPrinter.Write(context.Out, context.Output, created, PluginJsonContext.Default.CreatedKey);
            return;
        }

        await context.Out.WriteLineAsync($"apikey/{name} {verb} (key id {created.KeyId}).");
        await context.Out.WriteLineAsync($"The key is printed only now; apps read it from Secret {context.Namespace}/{secretName}.");
        await context.Out.WriteLineAsync();
        await context.Out.WriteLineAsync($"  {created.ApiKey}");
        if (created.BaseUrl is not null)
        {
            await context.Out.WriteLineAsync();
            await context.Out.WriteLineAsync($"Base URL: {created.BaseUrl}");
        }
    }

    private static string Permissions(ApiKey key) =>
        key.Spec.Permissions is { Count: > 0 } permissions ? string.Join(",", permissions) : "(proxy default)";

    private static string RateText(RateLimit limit) =>
        limit.Burst is > 0 ? $"{limit.Requests}/{limit.Period}, burst {limit.Burst}" : $"{limit.Requests}/{limit.Period}";
}
