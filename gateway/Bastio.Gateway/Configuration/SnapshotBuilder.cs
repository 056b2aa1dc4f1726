using System.Collections.Frozen;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Bastio.Core;
using Bastio.Core.Encryption;
using Bastio.Core.Keys;
using Bastio.Core.Time;
using Bastio.Crds;
using Bastio.Crds.Validation;
using Bastio.Crds.Vocabulary;
using Bastio.Gateway.Limits;
using Bastio.Gateway.Networking;
using Bastio.Gateway.Observability;
using Bastio.Gateway.RateLimiting;
using Bastio.Gateway.Routing;
using Bastio.Kubernetes.Api;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Bastio.Gateway.Configuration;

/// <summary>
/// Turns the cluster objects into a <see cref="GatewaySnapshot"/>. Anything it cannot serve safely
/// (bad CIDR, unknown plan, undecryptable verifier) leaves that key or provider key out — fail
/// closed — and is logged by object name, never with key material. Decrypted Secrets are cached by
/// resourceVersion so a rebuild after one change decrypts one Secret, not ten thousand. Not thread-safe:
/// one builder serves one rebuild loop.
/// </summary>
internal sealed partial class SnapshotBuilder(BucketStore buckets, ILogger<SnapshotBuilder> logger, IReadOnlySet<KeyEnvironment>? environments = null)
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(300);
    private static readonly TimeSpan DefaultMigrationDuration = TimeSpan.FromMinutes(10);

    private readonly ReportedProblems _reported = new();
    private readonly KeyLimitsResolver _limits = new();
    private EncryptionKeyRing? _ring;
    private string? _ringVersion;
    private Dictionary<string, (string? ResourceVersion, object Value)> _decrypted = new(StringComparer.Ordinal);
    private long _acknowledgedEpoch;

    // The key Secret's absence is warned about once per loss, not on every rebuild while it lasts.
    private bool _ringMissingReported;

    // The first build's lists are both as fresh as the sync: a verifier without its ApiKey there is a leftover.
    private bool _acknowledgedOnce;

    public GatewaySnapshot Build(ConfigurationObjects objects)
    {
        _reported.StartRebuild();
        var ring = ReadKeyRing(objects.SystemSecrets);
        var previous = _decrypted;
        _decrypted = new(StringComparer.Ordinal);
        var verifierSecrets = new Dictionary<(string Namespace, string Name), V1Secret>();
        var providerKeySecrets = new Dictionary<(string Namespace, string Name), V1Secret>();
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
        var providerKeysByProxy = objects.ProviderKeys.ToLookup(key => (key.Metadata.NamespaceProperty ?? "", key.Spec.ProxyRef.Name));
        foreach (var proxy in objects.Proxies)
        {
            if (Guarded(proxy, () => ToProxyEntry(proxy, providerKeysByProxy[(proxy.Metadata.NamespaceProperty ?? "", proxy.Metadata.Name ?? "")], providerKeySecrets, ring, previous)) is { } entry)
            {
                proxies[(entry.Namespace, entry.Name)] = (proxy, entry);
            }
        }

        var keys = new Dictionary<string, KeyEntry>(StringComparer.Ordinal);
        var liveBuckets = new HashSet<TokenBucket>();
        foreach (var apiKey in objects.ApiKeys.OrderBy(key => key.Metadata.NamespaceProperty, StringComparer.Ordinal).ThenBy(key => key.Metadata.Name, StringComparer.Ordinal))
        {
            var ns = apiKey.Metadata.NamespaceProperty ?? "";
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
                if (_reported.IsNew(apiKey, "duplicate key id"))
                {
                    Log.DuplicateKeyId(logger, key.KeyId, ns, apiKey.Metadata.Name);
                }

                continue;
            }

            if (key.Bucket is { } bucket)
            {
                liveBuckets.Add(bucket);
            }
        }

        buckets.RetainOnly(liveBuckets);
        return new GatewaySnapshot(keys.Values, proxies.Values.Select(proxy => proxy.Entry))
        {
            VerifierEpoch = AcknowledgeableEpoch(objects, verifierSecrets.Values, ring),
        };
    }

    /// <summary>
    /// The verifier epoch this snapshot lets the replica acknowledge: the highest epoch among the verifier
    /// Secrets it holds. The operator writes epochs in order, and one watch delivers the system namespace's
    /// Secrets in order, so holding epoch N means holding every verifier written up to N. A verifier
    /// whose ApiKey or Proxy this replica has not seen yet (their watches may lag the Secrets') is not
    /// served, so it holds the acknowledgement below its epoch. Only epochs not yet acknowledged are held:
    /// a verifier left behind by a deleted ApiKey (the sweeper removes it later) never blocks deliveries,
    /// nor does one the first build finds.
    /// Monotonic, and nothing new is acknowledged without a key ring (then nothing is served).
    /// </summary>
    private long AcknowledgeableEpoch(ConfigurationObjects objects, IEnumerable<V1Secret> verifierSecrets, EncryptionKeyRing? ring)
    {
        if (ring is null)
        {
            return _acknowledgedEpoch;
        }

        var proxies = objects.Proxies.Select(proxy => (proxy.Metadata.NamespaceProperty ?? "", proxy.Metadata.Name ?? "")).ToHashSet();
        var servable = objects.ApiKeys
            .Where(apiKey => proxies.Contains((apiKey.Metadata.NamespaceProperty ?? "", apiKey.Spec.ProxyRef.Name)))
            .Select(apiKey => apiKey.Metadata.Uid)
            .OfType<string>()
            .ToHashSet(StringComparer.Ordinal);
        long highest = 0;
        long? firstUnservable = null;
        foreach (var secret in verifierSecrets)
        {
            long epoch;
            try
            {
                epoch = KeyVerifiers.ReadEpoch(secret.Data?.AsReadOnly());
            }
            catch (FormatException)
            {
                // Not an epoch the operator wrote; the key itself is judged by ToKeyEntry.
                continue;
            }

            if (secret.Metadata.Labels?.GetValueOrDefault(WellKnown.Labels.SourceUid) is { } uid && servable.Contains(uid))
            {
                highest = Math.Max(highest, epoch);
            }
            else if (_acknowledgedOnce && epoch > _acknowledgedEpoch)
            {
                firstUnservable = Math.Min(firstUnservable ?? long.MaxValue, epoch);
            }
        }

        var acknowledgeable = firstUnservable is { } held ? Math.Min(highest, held - 1) : highest;
        _acknowledgedEpoch = Math.Max(_acknowledgedEpoch, acknowledgeable);
        _acknowledgedOnce = true;
        return _acknowledgedEpoch;
    }

    /// <summary>One object the builder cannot handle must cost that object, not the whole snapshot.</summary>
    private T? Guarded<T>(IKubernetesObject<V1ObjectMeta> source, Func<T?> build)
        where T : class
    {
        try
        {
            return build();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            if (_reported.IsNew(source, ex.GetType().Name))
            {
                Log.ObjectFailed(logger, source.Metadata.NamespaceProperty, source.Metadata.Name, ex.GetType().Name);
            }

            return null;
        }
    }

    private EncryptionKeyRing? ReadKeyRing(IReadOnlyList<V1Secret> secrets)
    {
        var secret = secrets.FirstOrDefault(secret => secret.Metadata.Name == WellKnown.EncryptionKeySecret.Name);
        if (secret?.Data is null)
        {
            // A deleted key Secret does not make the keys it encrypted invalid: keep serving from the last
            // good ring (the operator restores the Secret from the same ring, or reports the loss).
            if (_ring is not null && !_ringMissingReported)
            {
                Log.KeyRingMissing(logger);
                _ringMissingReported = true;
            }

            return _ring;
        }

        _ringMissingReported = false;

        if (_ring is null || _ringVersion != secret.Metadata.ResourceVersion)
        {
            try
            {
                _ring = EncryptionKeyRing.FromSecretData(secret.Data?.AsReadOnly() ?? System.Collections.ObjectModel.ReadOnlyDictionary<string, byte[]>.Empty);
                _ringVersion = secret.Metadata.ResourceVersion;
            }
            catch (InvalidKeyRingException ex)
            {
                if (_reported.IsNew(secret, ex.Message))
                {
                    Log.InvalidKeyRing(logger, ex.Message);
                }

                _ring = null;
                _ringVersion = null;
            }
        }

        return _ring;
    }

    private ProxyEntry? ToProxyEntry(
        Proxy proxy,
        IEnumerable<ProviderKey> providerKeys,
        Dictionary<(string, string), V1Secret> providerKeySecrets,
        EncryptionKeyRing? ring,
        Dictionary<string, (string? ResourceVersion, object Value)> previous)
    {
        var spec = proxy.Spec;
        var name = $"{proxy.Metadata.NamespaceProperty}/{proxy.Metadata.Name}";
        // The same verdict the operator reports in the Proxy's Ready condition.
        var validation = ProxyValidation.Validate(spec);
        if (validation.Valid is not { } valid)
        {
            ProxySkipped(proxy, name, $"{validation.Problem!.Reason}: {validation.Problem.Message}");
            return null;
        }

        if (environments is not null && !environments.Contains(valid.Environment))
        {
            return null;
        }

        IpAllowList? ipAllowList = null;
        if (spec.IpAllowList is { Count: > 0 } entries && !IpAllowList.TryParse(entries, out ipAllowList, out _))
        {
            ProxySkipped(proxy, name, "invalid ipAllowList entry");
            return null;
        }

        return new ProxyEntry
        {
            Namespace = proxy.Metadata.NamespaceProperty ?? "",
            Name = proxy.Metadata.Name ?? "",
            Provider = valid.Provider,
            Upstream = spec.Upstream.TrimEnd('/'),
            Environment = valid.Environment,
            AllowedModels = spec.AllowedModels is { Count: > 0 } models ? models.ToFrozenSet(StringComparer.Ordinal) : null,
            IpAllowList = ipAllowList,
            Timeout = valid.Timeout ?? DefaultTimeout,
            ProviderKeys = [.. providerKeys.Select(key => ToProviderKeyEntry(key, providerKeySecrets, ring, previous)).OfType<ProviderKeyEntry>()],
        };
    }

    private ProviderKeyEntry? ToProviderKeyEntry(
        ProviderKey key,
        Dictionary<(string, string), V1Secret> secrets,
        EncryptionKeyRing? ring,
        Dictionary<string, (string? ResourceVersion, object Value)> previous)
    {
        var ns = key.Metadata.NamespaceProperty ?? "";
        var name = key.Metadata.Name ?? "";
        if (key.Spec.Disabled == true || key.Status?.Phase is ProviderKeyPhases.Retired or ProviderKeyPhases.Disabled or ProviderKeyPhases.Invalid)
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
            ProviderKeyCopy.Decode(secret.Data?.AsReadOnly(), ring, ProviderKeyCopy.Binding(ns, name, key.Metadata.Uid ?? ""))
            ?? throw new FormatException("no provider key")) as string;
        return apiKey is null ? null : new ProviderKeyEntry(name, apiKey, Math.Clamp(key.Spec.Weight ?? 100, 1, 100), migration);
    }

    private KeyEntry? ToKeyEntry(
        ApiKey apiKey,
        Proxy proxy,
        ProxyEntry proxyEntry,
        V1Secret? verifierSecret,
        EncryptionKeyRing? ring,
        Dictionary<string, (string? ResourceVersion, object Value)> previous)
    {
        var ns = apiKey.Metadata.NamespaceProperty ?? "";
        var name = apiKey.Metadata.Name ?? "";
        var spec = apiKey.Spec;
        var revoked = spec.Revoked == true || apiKey.Status?.Phase == ApiKeyPhases.Revoked;
        KeyVerifiers? verifiers = null;
        if (verifierSecret is not null && ring is not null && SourceUidMatches(verifierSecret, apiKey.Metadata.Uid))
        {
            verifiers = Decrypt(verifierSecret, previous, () =>
                KeyVerifiers.Decode(verifierSecret.Data?.AsReadOnly(), ring, KeyVerifiers.Binding(ns, name, apiKey.Metadata.Uid ?? ""))
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
            KeySkipped(apiKey, keyId, "invalid ipAllowList entry");
            return null;
        }

        var permissionNames = spec.Permissions ?? proxy.Spec.Defaults?.Permissions;
        var permissions = permissionNames is null ? PermissionNames.Default : PermissionNames.Parse(permissionNames, out _);
        if (!KeyLimitsResolver.TryResolveRateLimit(spec, proxy.Spec, out var shape))
        {
            KeySkipped(apiKey, keyId, "unknown plan or invalid rate limit");
            return null;
        }

        if (!_limits.TryResolve(apiKey, proxy.Spec, shape, shape is null ? null : buckets.GetOrCreate(keyId, shape), out var limits))
        {
            KeySkipped(apiKey, keyId, "invalid token limit, budget or pricing");
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
            Previous = verifiers?.Previous ?? [],
            ExpiresAt = spec.ExpiresAt,
            Permissions = permissions,
            IpAllowList = ipAllowList,
            Limits = limits,
        };
    }

    private static bool SourceUidMatches(V1Secret secret, string? uid) =>
        secret.Metadata.Labels?.GetValueOrDefault(WellKnown.Labels.SourceUid) is not { } labelled || labelled == uid;

    /// <summary>Decrypts through the cache; null (and a log line naming the Secret) when decryption fails.</summary>
    private object? Decrypt(V1Secret secret, Dictionary<string, (string? ResourceVersion, object Value)> previous, Func<object> decrypt)
    {
        var cacheKey = secret.Metadata.Uid ?? $"{secret.Metadata.NamespaceProperty}/{secret.Metadata.Name}";
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
            if (_reported.IsNew(secret, ex.Message))
            {
                Log.DecryptionFailed(logger, secret.Metadata.Name, ex.Message);
            }

            return null;
        }
    }

    private void ProxySkipped(Proxy proxy, string name, string reason)
    {
        if (_reported.IsNew(proxy, reason))
        {
            Log.ProxySkipped(logger, name, reason);
        }
    }

    private void KeySkipped(ApiKey apiKey, string keyId, string reason)
    {
        if (_reported.IsNew(apiKey, reason))
        {
            Log.KeySkipped(logger, keyId, reason);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(LogEvents.ProxySkipped, LogLevel.Warning, "Proxy {Proxy} is not served: {Reason}.")]
        public static partial void ProxySkipped(ILogger logger, string proxy, string reason);

        [LoggerMessage(LogEvents.KeySkipped, LogLevel.Warning, "API key {KeyId} is not served: {Reason}.")]
        public static partial void KeySkipped(ILogger logger, string keyId, string reason);

        [LoggerMessage(LogEvents.DuplicateKeyId, LogLevel.Error, "Key id {KeyId} of {Namespace}/{Name} is already used by another ApiKey; this one is not served.")]
        public static partial void DuplicateKeyId(ILogger logger, string keyId, string @namespace, string? name);

        [LoggerMessage(LogEvents.DecryptionFailed, LogLevel.Error, "Secret {Secret} could not be decrypted: {Reason}")]
        public static partial void DecryptionFailed(ILogger logger, string? secret, string reason);

        [LoggerMessage(LogEvents.ObjectFailed, LogLevel.Error, "{Namespace}/{Name} is not served: building its entry failed with {Error}.")]
        public static partial void ObjectFailed(ILogger logger, string? @namespace, string? name, string error);

        [LoggerMessage(LogEvents.InvalidKeyRing, LogLevel.Error, "The encryption key Secret is invalid: {Reason}")]
        public static partial void InvalidKeyRing(ILogger logger, string reason);

        [LoggerMessage(LogEvents.KeyRingMissing, LogLevel.Warning, "The encryption key Secret is missing; serving with the key ring read last")]
        public static partial void KeyRingMissing(ILogger logger);
    }
}
