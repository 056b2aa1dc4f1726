using Bastio.Crds;
using Bastio.Gateway.Hosting;
using Bastio.Gateway.Limits.Redis;
using Bastio.Kubernetes.Api;
using Bastio.Kubernetes.Runtime.Events;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using k8s;

namespace Bastio.Gateway.Limits;

/// <summary>Builds the <see cref="LimitEnforcer"/> the options ask for: in-process counters, or Redis with the in-process ones as fallback.</summary>
internal static class LimitsSetup
{
    public static async Task<(LimitEnforcer Enforcer, IDisposable[] Owned)> CreateAsync(GatewayOptions options, string meterName, IKubernetes? client, ILoggerFactory loggerFactory, TimeProvider time)
    {
        var local = new LocalAdmissionStore(time);
        IAdmissionStore store = local;
        ConnectionMultiplexer? redis = null;
        if (options.Redis is { Length: > 0 } configuration)
        {
            var redisOptions = RedisConnection.Options(configuration, options.RedisPasswordFile, options.RedisCaFile, options.StoreTimeout);
            redis = await ConnectionMultiplexer.ConnectAsync(redisOptions).ConfigureAwait(false);
            var shared = new RedisAdmissionStore(redis);
            if (redis.IsConnected)
            {
                await shared.LoadScriptAsync().ConfigureAwait(false);
            }

            store = shared;
        }

        var metrics = new LimitsMetrics(meterName, () => redis?.IsConnected ?? true);
        var events = client is null ? null : new EventRecorder(client.Events(), new EventRecorderOptions { Component = "bastio-gateway" }, loggerFactory.CreateLogger<EventRecorder>(), time);
        var reporter = client is null ? null : new UsageReporter(client.ApiKeys(), time, loggerFactory.CreateLogger<UsageReporter>());
        var enforcer = new LimitEnforcer(store, local, () => redis?.IsConnected ?? true, options.StoreFailure, options.StoreTimeout, metrics, events, reporter, loggerFactory.CreateLogger<LimitEnforcer>(), time);
        IDisposable[] owned = [metrics, .. redis is null ? Array.Empty<IDisposable>() : [redis], .. events is null ? Array.Empty<IDisposable>() : [events]];
        return (enforcer, owned);
    }
}
