using System.Collections.Concurrent;

namespace Bastio.Gateway.Usage;

/// <summary>Per key and model counters since the gateway started, answered by <c>GET /v1/usage</c>.</summary>
internal sealed class UsageStore
{
    /// <summary>Models are named by the upstream; past this many per key the rest are counted as <see cref="OtherModel"/>.</summary>
    public const int MaxModelsPerKey = 100;

    public const string OtherModel = "other";

    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, ModelUsage>> _keys = new(StringComparer.Ordinal);

    public void Record(string keyId, string model, long promptTokens, long completionTokens)
    {
        var models = _keys.GetOrAdd(keyId, static _ => new ConcurrentDictionary<string, ModelUsage>(StringComparer.Ordinal));
        if (!models.TryGetValue(model, out var usage))
        {
            usage = models.Count < MaxModelsPerKey ? models.GetOrAdd(model, static _ => new ModelUsage()) : models.GetOrAdd(OtherModel, static _ => new ModelUsage());
        }

        usage.Add(promptTokens, completionTokens);
    }

    /// <summary>The counters of one key, by model name.</summary>
    public IReadOnlyList<(string Model, long Requests, long PromptTokens, long CompletionTokens)> Get(string keyId) =>
        _keys.TryGetValue(keyId, out var models)
            ? [.. models.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => (pair.Key, pair.Value.Requests, pair.Value.PromptTokens, pair.Value.CompletionTokens))]
            : [];

    private sealed class ModelUsage
    {
        private long _requests;
        private long _promptTokens;
        private long _completionTokens;

        public long Requests => Interlocked.Read(ref _requests);

        public long PromptTokens => Interlocked.Read(ref _promptTokens);

        public long CompletionTokens => Interlocked.Read(ref _completionTokens);

        public void Add(long promptTokens, long completionTokens)
        {
            Interlocked.Increment(ref _requests);
            Interlocked.Add(ref _promptTokens, promptTokens);
            Interlocked.Add(ref _completionTokens, completionTokens);
        }
    }
}
