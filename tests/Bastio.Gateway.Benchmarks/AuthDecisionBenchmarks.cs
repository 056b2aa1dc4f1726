using System.Net;
using BenchmarkDotNet.Attributes;
using Bastio.Core.Keys;
using Bastio.Gateway.Authentication;
using Bastio.Gateway.Configuration;
using Bastio.Gateway.Networking;
using Bastio.Gateway.RateLimiting;
using Bastio.Gateway.Routing;
using Microsoft.AspNetCore.Http;

namespace Bastio.Gateway.Benchmarks;

/// <summary>
/// The whole auth decision as a request makes it: credential read, key parse, lookup among 10,000
/// keys, verify, IP allow lists, permission and a rate-limit token. Goal: ≤ 1 µs and 0 B on both paths.
/// </summary>
[MemoryDiagnoser]
public class AuthDecisionBenchmarks
{
    private const int KeyCount = 10_000;

    private readonly RequestAuthorizer _authorizer = new(TimeProvider.System);
    private readonly IPAddress _client = IPAddress.Parse("10.1.2.3");
    private GatewaySnapshot _snapshot = null!;
    private HeaderDictionary _allow = null!;
    private HeaderDictionary _wrongSecret = null!;
    private HeaderDictionary _malformed = null!;

    [GlobalSetup]
    public void Setup()
    {
        var buckets = new BucketStore(TimeProvider.System);
        var proxy = new ProxyEntry
        {
            Namespace = "bench",
            Name = "openai",
            Provider = ProviderKind.OpenAI,
            Upstream = "http://127.0.0.1:1/v1",
            Environment = KeyEnvironment.Live,
            IpAllowList = IpAllowList.Parse(["10.0.0.0/8", "192.168.0.0/16"]),
        };
        var keys = new List<KeyEntry>();
        string? sample = null;
        for (var i = 0; i < KeyCount; i++)
        {
            var keyId = ClientKey.NewKeyId();
            var key = ClientKey.Generate(KeyEnvironment.Live, keyId);
            sample ??= key;
            keys.Add(new KeyEntry
            {
                KeyId = keyId,
                Namespace = "bench",
                Name = "key-" + i,
                Proxy = proxy,
                State = KeyState.Active,
                Current = ClientKeyVerifier.Compute(key),
                IpAllowList = IpAllowList.Parse(["10.1.0.0/16"]),
                Permissions = Permissions.Chat,
                Bucket = buckets.GetOrCreate(keyId, new RateLimitShape(long.MaxValue / 4, TimeSpan.FromSeconds(1))),
            });
        }

        _snapshot = new GatewaySnapshot(keys, [proxy]);
        _allow = new HeaderDictionary { ["Authorization"] = "Bearer " + sample };
        var sampleId = sample![15..27];
        _wrongSecret = new HeaderDictionary { ["Authorization"] = "Bearer " + ClientKey.Generate(KeyEnvironment.Live, sampleId) };
        _malformed = new HeaderDictionary { ["Authorization"] = "Bearer bastio_sk_live_this-is-not-a-key" };
    }

    [Benchmark(Baseline = true)]
    public bool Allow() => Decide(_allow);

    [Benchmark]
    public bool DenyWrongSecret() => Decide(_wrongSecret);

    [Benchmark]
    public bool DenyMalformed() => Decide(_malformed);

    private bool Decide(HeaderDictionary headers)
    {
        var credential = Credential.Read(headers);
        var result = _authorizer.Authorize(_snapshot, credential, _client, RouteTable.ChatCompletions);
        return result.Succeeded && result.Key!.Bucket!.TryAcquire().Allowed;
    }
}
