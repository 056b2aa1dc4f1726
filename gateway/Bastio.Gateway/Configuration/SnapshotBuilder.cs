using System.Collections.Frozen;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Bastio.Core;
using Bastio.Core.Encryption;
using Bastio.Core.Keys;
using Bastio.Core.Time;
using Bastio.Crds;
using Bastio.Gateway.Limits;
using Bastio.Gateway.Networking;
using Bastio.Gateway.RateLimiting;
using Bastio.Gateway.Routing;
using Bastio.Kubernetes.Models;
using Microsoft.Extensions.Logging;

namespace Bastio.Gateway.Configuration;

/// <summary>
/// Turns the cluster objects into a <see cref="GatewaySnapshot"/>. Anything it cannot serve safely
/// (bad CIDR, unknown plan, undecryptable verifier) leaves that key or provider key out — fail
/// closed — and is logged by object name, never with key material. Decrypted Secrets are cached by
/// resourceVersion so a rebuild after one change decrypts one Secret, not ten thousand. Not thread-safe:
/// one builder serves one rebuild loop.
/// </summary>
public sealed partial class SnapshotBuilder(BucketStore buckets, ILogger<SnapshotBuilder> logger, IReadOnlySet<KeyEnvironment>? environments = null)
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(300);
    private static readonly TimeSpan DefaultMigrationDuration = TimeSpan.FromMinutes(10);

    private readonly KeyLimitsResolver _limits = new();
    private EncryptionKeyRing? _ring;
    private string? _ringVersion;
    private Dictionary<string, (string? ResourceVersion, object Value)> _decrypted = new(StringComparer.Ordinal);

    public GatewaySnapshot Build(ConfigurationObjects objects)
    {
        var ring = ReadKeyRing(objects.SystemSecrets);
        var previous = _decrypted;
        _decrypted = new(StringComparer.Ordinal);
        var verifierSecrets = new Dictionary<(string Namespace, string Name), Secret>();
        var providerKeySecrets = new Dictionary<(string Namespace, string Name), Secret>();
        foreach (var secret in objects.SystemSecrets)
        {
            var labels = secret.Metadata.Labels;
            if (labels is null
                || !labels.TryGetValue(WellKnown.Labels.Component, out var component)
                || !labels.TryGetValue(WellKnown.Labels.SourceNamespace, out var sourceNamespace)
                || !labels.TryGetValue(WellKnown.Labels.SourceName, out var sourceName))
            {
                continue;
            }

            var target = component switch
            {
                WellKnown.Components.ApiKeyVerifier => verifierSecrets,
                WellKnown.Components.ProviderKeyCopy => providerKeySecrets,
                _ => null,
            };
            target?.TryAdd((sourceNamespace, sourceName), secret);
        }

        var proxies = new Dictionary<(string, string), (Proxy Spec, ProxyEntry Entry)>();
        var providerKeysByProxy = objects.ProviderKeys.ToLookup(key => (key.Metadata.Namespace ?? "", key.Spec.ProxyRef.Name));
        foreach (var proxy in objects.Proxies)
        {
            if (Guarded(proxy, () => ToProxyEntry(proxy, providerKeysByProxy[(proxy.Metadata.Namespace ?? "", proxy.Metadata.Name ?? "")], providerKeySecrets, ring, previous)) is { } entry)
            {
                proxies[(entry.Namespace, entry.Name)] = (proxy, entry);
            }
        }

        var keys = new Dictionary<string, KeyEntry>(StringComparer.Ordinal);
        var liveBuckets = new HashSet<TokenBucket>();
        foreach (var apiKey in objects.ApiKeys.OrderBy(key => key.Metadata.Namespace, StringComparer.Ordinal).ThenBy(key => key.Metadata.Name, StringComparer.Ordinal))
        {
            var ns = apiKey.Metadata.Namespace ?? "";
            if (!proxies.TryGetValue((ns, apiKey.Spec.ProxyRef.Name), out var proxy))
            {
                continue;
            }

            verifierSecrets.TryGetValue((ns, apiKey.Metadata.Name ?? ""), out var verifierSecret);
            if (Guarded(apiKey, () => ToKeyEntry(apiKey, proxy.Spec, proxy.Entry, verifierSecret, ring, previous)) is not { } key)
            {
                continue;
            }

            if (!keys.TryAdd(key.KeyId, key))
            {
                Log.DuplicateKeyId(logger, key.KeyId, ns, apiKey.Metadata.Name);
                continue;
            }

            if (key.Bucket is { } bucket)
            {
                liveBuckets.Add(bucket);
            }
        }

        buckets.RetainOnly(liveBuckets);
        return new GatewaySnapshot(keys.Values, proxies.Values.Select(proxy => proxy.Entry));
    }

    /// <summary>One object the builder cannot handle must cost that object, not the whole snapshot.</summary>
    private T? Guarded<T>(IKubernetesObject source, Func<T?> build)
        where T : class
    {
        try
        {
            return build();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Log.ObjectFailed(logger, source.Metadata.Namespace, source.Metadata.Name, ex.GetType().Name);
            return null;
        }
    }

    private EncryptionKeyRing? ReadKeyRing(IReadOnlyList<Secret> secrets)
    {
        var secret = secrets.FirstOrDefault(secret => secret.Metadata.Name == WellKnown.EncryptionKeySecret.Name);
        if (secret?.Data is null)
        {
            _ring = null;
            _ringVersion = null;
            return null;
        }

        if (_ring is null || _ringVersion != secret.Metadata.ResourceVersion)
        {
            try
            {
                _ring = EncryptionKeyRing.FromSecretData(secret.Data);
                _ringVersion = secret.Metadata.ResourceVersion;
            }
            catch (InvalidKeyRingException ex)
            {
                Log.InvalidKeyRing(logger, ex.Message);
                _ring = null;
                _ringVersion = null;
            }
        }

        return _ring;
    }

    private ProxyEntry? ToProxyEntry(
        Proxy proxy,
        IEnumerable<ProviderKey> providerKeys,
        Dictionary<(string, string), Secret> providerKeySecrets,
        EncryptionKeyRing? ring,
        Dictionary<string, (string? ResourceVersion, object Value)> previous)
    {
        var spec = proxy.Spec;
        var name = $"{proxy.Metadata.Namespace}/{proxy.Metadata.Name}";
        if (!KeyEnvironments.TryFromProxyEnvironment(spec.Environment, out var environment))
        {
            Log.ProxySkipped(logger, name, "unknown environment");
            return null;
        }

        if (environments is not null && !environments.Contains(environment))
        {
            return null;
        }

        if (!ProviderKinds.TryParse(spec.Provider, out var provider))
        {
            Log.ProxySkipped(logger, name, "unknown provider");
            return null;
        }

        if (!Uri.TryCreate(spec.Upstream, UriKind.Absolute, out var upstream) || upstream.Scheme is not ("http" or "https") || upstream.Query.Length > 0)
        {
            Log.ProxySkipped(logger, name, "upstream is not an absolute http(s) URL without a query");
            return null;
        }

        IpAllowList? ipAllowList = null;
        if (spec.IpAllowList is { Count: > 0 } entries && !IpAllowList.TryParse(entries, out ipAllowList, out _))
        {
            Log.ProxySkipped(logger, name, "invalid ipAllowList entry");
            return null;
        }

        var timeout = DefaultTimeout;
        if (spec.Timeout is { Length: > 0 } text && (!GoDuration.TryParse(text, out timeout) || timeout <= TimeSpan.Zero))
        {
            Log.ProxySkipped(logger, name, "invalid timeout");
            return null;
        }

        return new ProxyEntry
        {
            Namespace = proxy.Metadata.Namespace ?? "",
            Name = proxy.Metadata.Name ?? "",
            Provider = provider,
            Upstream = spec.Upstream.TrimEnd('/'),
            Environment = environment,
            AllowedModels = spec.AllowedModels is { Count: > 0 } models ? models.ToFrozenSet(StringComparer.Ordinal) : null,
            IpAllowList = ipAllowList,
            Timeout = timeout,
            ProviderKeys = [.. providerKeys.Select(key => ToProviderKeyEntry(key, providerKeySecrets, ring, previous)).OfType<ProviderKeyEntry>()],
        };
    }

    private ProviderKeyEntry? ToProviderKeyEntry(
        ProviderKey key,
        Dictionary<(string, string), Secret> secrets,
        EncryptionKeyRing? ring,
        Dictionary<string, (string? ResourceVersion, object Value)> previous)
    {
        var ns = key.Metadata.Namespace ?? "";
        var name = key.Metadata.Name ?? "";
        if (key.Spec.Disabled == true || key.Status?.Phase is "Retired" or "Disabled" or "Invalid")
        {
            return null;
        }

        ProviderKeyMigration? migration = null;
        if (key.Spec.Replaces is { Length: > 0 } replaces)
        {
            // Until validated the new key takes no traffic; once the migration completed it is a plain key.
            if (key.Status?.Migration is not { StartedAt: { } startedAt } status)
            {
                return null;
            }

            var duration = DefaultMigrationDuration;
            if (key.Spec.Migration?.Duration is { Length: > 0 } text && !GoDuration.TryParse(text, out duration))
            {
                duration = DefaultMigrationDuration;
            }

            migration = status.CompletedAt is null ? new ProviderKeyMigration(replaces, startedAt, duration) : null;
        }

        if (ring is null || !secrets.TryGetValue((ns, name), out var secret) || !SourceUidMatches(secret, key.Metadata.Uid))
        {
            return null;
        }

        var apiKey = Decrypt(secret, previous, () =>
            ProviderKeyCopy.Decode(secret.Data, ring, ProviderKeyCopy.Binding(ns, name, key.Metadata.Uid ?? ""))
            ?? throw new FormatException("no provider key")) as string;
        return apiKey is null ? null : new ProviderKeyEntry(name, apiKey, Math.Clamp(key.Spec.Weight ?? 100, 1, 100), migration);
    }

    private KeyEntry? ToKeyEntry(
        ApiKey apiKey,
        Proxy proxy,
        ProxyEntry proxyEntry,
        Secret? verifierSecret,
        EncryptionKeyRing? ring,
        Dictionary<string, (string? ResourceVersion, object Value)> previous)
    {
        var ns = apiKey.Metadata.Namespace ?? "";
        var name = apiKey.Metadata.Name ?? "";
        var spec = apiKey.Spec;
        var revoked = spec.Revoked == true || apiKey.Status?.Phase == "Revoked";
        KeyVerifiers? verifiers = null;
        if (verifierSecret is not null && ring is not null && SourceUidMatches(verifierSecret, apiKey.Metadata.Uid))
        {
            verifiers = Decrypt(verifierSecret, previous, () =>
                KeyVerifiers.Decode(verifierSecret.Data, ring, KeyVerifiers.Binding(ns, name, apiKey.Metadata.Uid ?? ""))
                ?? throw new FormatException("no keyId")) as KeyVerifiers;
        }

        // A revoked key stays known by its public id so it is refused as revoked even once the operator
        // has destroyed its verifiers.
        var keyId = verifiers?.KeyId ?? (revoked ? apiKey.Status?.KeyId : null);
        if (keyId is null || !ClientKey.IsValidKeyId(keyId))
        {
            return null;
        }

        IpAllowList? ipAllowList = null;
        if (spec.IpAllowList is { Count: > 0 } entries && !IpAllowList.TryParse(entries, out ipAllowList, out _))
        {
            Log.KeySkipped(logger, keyId, "invalid ipAllowList entry");
            return null;
        }

        var permissionNames = spec.Permissions ?? proxy.Spec.Defaults?.Permissions;
        var permissions = permissionNames is null ? PermissionNames.Default : PermissionNames.Parse(permissionNames, out _);
        if (!TryResolveRateLimit(spec, proxy.Spec, out var shape))
        {
            Log.KeySkipped(logger, keyId, "unknown plan or invalid rate limit");
            return null;
        }

        if (!_limits.TryResolve(apiKey, proxy.Spec, shape, out var limits))
        {
            Log.KeySkipped(logger, keyId, "invalid token limit, budget or pricing");
            return null;
        }

        return new KeyEntry
        {
            KeyId = keyId,
            Namespace = ns,
            Name = name,
            Proxy = proxyEntry,
            State = revoked ? KeyState.Revoked : spec.Disabled == true ? KeyState.Disabled : KeyState.Active,
            Current = verifiers?.Current,
            Pending = verifiers?.Pending,
            Previous = verifiers?.Previous,
            PreviousExpiresAt = verifiers?.PreviousExpiresAt,
            ExpiresAt = spec.ExpiresAt,
            Permissions = permissions,
            IpAllowList = ipAllowList,
            Bucket = shape is null ? null : buckets.GetOrCreate(keyId, shape),
            Limits = limits,
        };
    }

    /// <summary>The key's own limit, else its plan, else the proxy default; false when what is named is unusable.</summary>
    private static bool TryResolveRateLimit(ApiKeySpec key, ProxySpec proxy, out RateLimitShape? shape)
    {
        shape = null;
        var limit = key.RateLimit;
        if (limit is null && key.Plan is { Length: > 0 } plan && (proxy.Plans is null || !proxy.Plans.TryGetValue(plan, out limit)))
        {
            return false;
        }

        limit ??= proxy.Defaults?.RateLimit;
        if (limit is null)
        {
            return true;
        }

        if (limit.Requests <= 0 || RateLimitShape.ParsePeriod(limit.Period) is not { } period || limit.Burst < 0)
        {
            return false;
        }

        shape = new RateLimitShape(limit.Requests, period, limit.Burst ?? 0);
        return true;
    }

    private static bool SourceUidMatches(Secret secret, string? uid) =>
        secret.Metadata.Labels?.GetValueOrDefault(WellKnown.Labels.SourceUid) is not { } labelled || labelled == uid;

    /// <summary>Decrypts through the cache; null (and a log line naming the Secret) when decryption fails.</summary>
    private object? Decrypt(Secret secret, Dictionary<string, (string? ResourceVersion, object Value)> previous, Func<object> decrypt)
    {
        var cacheKey = secret.Metadata.Uid ?? $"{secret.Metadata.Namespace}/{secret.Metadata.Name}";
        if (previous.TryGetValue(cacheKey, out var cached) && cached.ResourceVersion == secret.Metadata.ResourceVersion && secret.Metadata.ResourceVersion is not null)
        {
            _decrypted[cacheKey] = cached;
            return cached.Value;
        }

        try
        {
            var value = decrypt();
            _decrypted[cacheKey] = (secret.Metadata.ResourceVersion, value);
            return value;
        }
        catch (Exception ex) when (ex is DecryptionFailedException or FormatException)
        {
            Log.DecryptionFailed(logger, secret.Metadata.Name, ex.Message);
            return null;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Proxy {Proxy} is not served: {Reason}.")]
        public static partial void ProxySkipped(ILogger logger, string proxy, string reason);

        [LoggerMessage(2, LogLevel.Warning, "API key {KeyId} is not served: {Reason}.")]
        public static partial void KeySkipped(ILogger logger, string keyId, string reason);

        [LoggerMessage(3, LogLevel.Error, "Key id {KeyId} of {Namespace}/{Name} is already used by another ApiKey; this one is not served.")]
        public static partial void DuplicateKeyId(ILogger logger, string keyId, string @namespace, string? name);

        [LoggerMessage(4, LogLevel.Error, "Secret {Secret} could not be decrypted: {Reason}")]
        public static partial void DecryptionFailed(ILogger logger, string? secret, string reason);

        [LoggerMessage(6, LogLevel.Error, "{Namespace}/{Name} is not served: building its entry failed with {Error}.")]
        public static partial void ObjectFailed(ILogger logger, string? @namespace, string? name, string error);

        [LoggerMessage(5, LogLevel.Error, "The encryption key Secret is invalid: {Reason}")]
        public static partial void InvalidKeyRing(ILogger logger, string reason);
    }
}
