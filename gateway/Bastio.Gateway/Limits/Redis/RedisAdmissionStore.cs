using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Bastio.Gateway.RateLimiting;
using StackExchange.Redis;

namespace Bastio.Gateway.Limits.Redis;

/// <summary>
/// Counters shared by every gateway replica in Redis. Each decision and each charge is one
/// <c>EVALSHA</c> of <c>admission.lua</c>, which reads the server's clock, so replicas with skewed clocks
/// still agree. The script is loaded at start and whenever the connection is restored; a request that
/// still meets <c>NOSCRIPT</c> (a <c>SCRIPT FLUSH</c>, a failover) loads it again, concurrent ones sharing
/// that one load, and retries: only those requests pay a second round trip.
/// </summary>
internal sealed class RedisAdmissionStore : IAdmissionStore
{
    private static readonly string Script = ReadScript();
    private static readonly byte[] ScriptSha1 = SHA1.HashData(Encoding.UTF8.GetBytes(Script));

    private readonly IConnectionMultiplexer _connection;
    private readonly string _prefix;
    private readonly Lock _loadingLock = new();
    private Task _loading = Task.CompletedTask;

    public RedisAdmissionStore(IConnectionMultiplexer connection, string prefix = "bastio")
    {
        _connection = connection;
        _prefix = prefix;
        connection.ConnectionRestored += (_, _) => _ = LoadScriptAsync().ContinueWith(static task => _ = task.Exception, TaskScheduler.Default);
    }

    /// <summary>Loads the script (again); callers arriving while a load is under way share it.</summary>
    public Task LoadScriptAsync()
    {
        lock (_loadingLock)
        {
            if (_loading.IsCompleted)
            {
                _loading = _connection.GetDatabase().ExecuteAsync("SCRIPT", "LOAD", Script);
            }

            return _loading;
        }
    }

    public bool IsConnected => _connection.IsConnected;

    public async ValueTask<Admission> AdmitAsync(string keyId, KeyLimits limits, CancellationToken cancellationToken)
    {
        var reply = await EvaluateAsync(keyId, limits, charging: false, UsageCharge.None).ConfigureAwait(false);
        var refusal = (Refusal)(int)reply[0];
        var requests = limits.Requests is { } shape
            ? new RateLimitResult(refusal != Refusal.Requests, shape.Capacity, (long)reply[1], Micros(reply[2]), Micros(reply[3]))
            : RateLimitResult.Unlimited;
        return new Admission(refusal, requests, TokenState(limits, reply), Usage(limits, reply));
    }

    public async ValueTask<ChargeResult> ChargeAsync(string keyId, KeyLimits limits, UsageCharge charge, CancellationToken cancellationToken)
    {
        var reply = await EvaluateAsync(keyId, limits, charging: true, charge).ConfigureAwait(false);
        var crossed = new int[reply.Length - 9];
        for (var i = 0; i < crossed.Length; i++)
        {
            crossed[i] = (int)reply[9 + i];
        }

        return new ChargeResult(TokenState(limits, reply), Usage(limits, reply), crossed);
    }

    private async Task<RedisResult[]> EvaluateAsync(string keyId, KeyLimits limits, bool charging, UsageCharge charge)
    {
        var requests = limits.Requests;
        var tokens = limits.Tokens;
        var budget = limits.Budget;
        var counted = budget is not null || limits.Pricing is not null;

        // The hash tag keeps a key's counters in one cluster slot.
        RedisKey[] keys =
        [
            requests is null ? $"{_prefix}:{{{keyId}}}:r" : $"{_prefix}:{{{keyId}}}:r:{requests.Requests}:{requests.Period.Ticks}:{requests.Capacity}",
            tokens is null ? $"{_prefix}:{{{keyId}}}:t" : $"{_prefix}:{{{keyId}}}:t:{tokens.Tokens}:{tokens.Period.Ticks}",
            $"{_prefix}:{{{keyId}}}:p:{(int)limits.UsagePeriod}:",
        ];
        RedisValue[] values =
        [
            requests?.Requests ?? 0,
            requests is null ? 0 : requests.Period.Ticks / 10,
            requests?.Capacity ?? 0,
            tokens?.Tokens ?? 0,
            tokens is null ? 0 : tokens.Period.Ticks / 10,
            budget?.AmountNanos ?? 0,
            counted ? (int)limits.UsagePeriod : 0,
            charging ? 1 : 0,
            charge.Tokens,
            charge.CostNanos ?? -1,
            budget is null ? "" : string.Join(',', budget.Thresholds),
        ];

        var database = _connection.GetDatabase();
        RedisResult result;
        try
        {
            result = await database.ScriptEvaluateAsync(ScriptSha1, keys, values).ConfigureAwait(false);
        }
        catch (RedisServerException ex) when (ex.Message.StartsWith("NOSCRIPT", StringComparison.Ordinal))
        {
            await LoadScriptAsync().ConfigureAwait(false);
            result = await database.ScriptEvaluateAsync(ScriptSha1, keys, values).ConfigureAwait(false);
        }

        return (RedisResult[])result!;
    }

    private static TokenLimitState? TokenState(KeyLimits limits, RedisResult[] reply) =>
        limits.Tokens is { } shape
            ? TokenLimitShapes.State(shape, double.Parse((string)reply[4]!, CultureInfo.InvariantCulture))
            : null;

    private static PeriodUsage? Usage(KeyLimits limits, RedisResult[] reply) =>
        (long)reply[5] < 0 ? null : new PeriodUsage(UsagePeriods.FromIndex(limits.UsagePeriod, (long)reply[5]), (long)reply[6], (long)reply[7], (long)reply[8]);

    private static TimeSpan Micros(RedisResult value) => TimeSpan.FromTicks(Math.Max(0, (long)value) * 10);

    private static string ReadScript()
    {
        using var stream = typeof(RedisAdmissionStore).Assembly.GetManifestResourceStream("Bastio.Gateway.Limits.Redis.admission.lua")
            ?? throw new InvalidOperationException("admission.lua is not embedded.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
