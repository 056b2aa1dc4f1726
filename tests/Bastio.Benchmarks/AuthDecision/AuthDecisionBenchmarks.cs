using System.Net;
using Bastio.Core.Keys;
using Bastio.Crds.Vocabulary;
using Bastio.Gateway.Configuration;
using Bastio.Gateway.Limits;
using Bastio.Gateway.Networking;
using Bastio.Gateway.Pipeline;
using Bastio.Gateway.RateLimiting;
using Bastio.Gateway.Routing;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Http;

namespace Bastio.Benchmarks.AuthDecision;

/// <summary>
/// The gateway's per-request decision, exactly as <c>GatewayRequestHandler</c> runs it: read the
/// credential headers, parse the key, look it up among <see cref="KeyCount"/> keys, verify the secret,
/// check the IP allow list and the route permission, then take a rate-limit token.
/// </summary>
[MemoryDiagnoser]
public class AuthDecisionBenchmarks
{
    private static readonly IPAddress ClientIp = IPAddress.Parse("10.1.2.3");

    private readonly RequestAuthorizer _authorizer = new(TimeProvider.System);
    private GatewaySnapshot _snapshot = null!;
    private Dictionary<string, KeyEntry> _dictionary = null!;
    private string _lookupKeyId = null!;
    private HeaderDictionary _allowed = null!;
    private HeaderDictionary _wrongSecret = null!;
    private HeaderDictionary _rateLimited = null!;
    private Credential _allowedCredential;

    [Params(10_000)]
    public int KeyCount { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var proxy = new ProxyEntry
        {
            Namespace = "bench",
            Name = "openai",
            Provider = ProviderKind.OpenAI,
            Upstream = "http://127.0.0.1:1/v1",
            Environment = KeyEnvironment.Live,
            IpAllowList = IpAllowList.Parse(["192.168.0.0/16", "10.0.0.0/8", "2001:db8::/32"]),
        };
        var buckets = new BucketStore(TimeProvider.System);
        var unlimited = new RateLimitShape(1_000_000_000, TimeSpan.FromSeconds(1));
        var exhausted = new RateLimitShape(1, TimeSpan.FromDays(1));
        var keys = new List<KeyEntry>(KeyCount);
        var plaintexts = new List<string>(KeyCount);
        for (var i = 0; i < KeyCount; i++)
        {
            var keyId = ClientKey.NewKeyId();
            var key = ClientKey.Generate(KeyEnvironment.Live, keyId);
            plaintexts.Add(key);
            keys.Add(new KeyEntry
            {
                KeyId = keyId,
                Namespace = "bench",
                Name = $"key-{i}",
                Proxy = proxy,
                State = KeyState.Active,
                Current = ClientKeyVerifier.Compute(key),
                Limits = new KeyLimits(i == 1 ? exhausted : unlimited, null, null, null) { RequestBucket = buckets.GetOrCreate(keyId, i == 1 ? exhausted : unlimited) },
            });
        }

        _snapshot = new GatewaySnapshot(keys, [proxy]);
        _dictionary = keys.ToDictionary(key => key.KeyId, StringComparer.Ordinal);
        _lookupKeyId = keys[KeyCount / 2].KeyId;

        // Same key id and a valid checksum, another secret: the deny path runs every step up to the verifier compare.
        var middle = keys[KeyCount / 2];
        _allowed = Bearer(plaintexts[KeyCount / 2]);
        _wrongSecret = Bearer(ClientKey.Generate(KeyEnvironment.Live, middle.KeyId));
        _rateLimited = Bearer(plaintexts[1]);
        _allowedCredential = Credential.Read(_allowed);
        keys[1].Bucket!.TryAcquire();
        if (!Decide(_allowed) || Decide(_wrongSecret) || Decide(_rateLimited))
        {
            throw new InvalidOperationException("The benchmark keys do not take the paths they are named after.");
        }
    }

    [Benchmark(Baseline = true, Description = "baseline: Dictionary lookup (10,000 keys)")]
    public bool DictionaryLookup() => _dictionary.TryGetValue(_lookupKeyId, out _);

    [Benchmark(Description = "allow")]
    public bool Allow() => Decide(_allowed);

    /// <summary>The same decision from an already extracted credential, to tell the header read's cost from the checks'.</summary>
    [Benchmark(Description = "allow, credential header already read")]
    public bool AllowFromCredential() => Decide(_allowedCredential);

    /// <summary>Where the time goes: the SHA-256 verifier of the presented key, the largest single step.</summary>
    [Benchmark(Description = "part: SHA-256 verifier of the key")]
    public bool HashKey()
    {
        Span<byte> verifier = stackalloc byte[ClientKeyVerifier.Length];
        return ClientKeyVerifier.TryCompute(_allowedCredential.Key.Span, verifier);
    }

    /// <summary>Where the time goes: format, Base62 and CRC-32 checks of the presented key.</summary>
    [Benchmark(Description = "part: parse and checksum the key")]
    public bool ParseKey() => ClientKey.TryParse(_allowedCredential.Key.Span, out _);

    [Benchmark(Description = "deny: wrong secret")]
    public bool DenyWrongSecret() => Decide(_wrongSecret);

    [Benchmark(Description = "deny: rate limited")]
    public bool DenyRateLimited() => Decide(_rateLimited);

    private bool Decide(HeaderDictionary headers) => Decide(Credential.Read(headers));

    private bool Decide(in Credential credential)
    {
        var result = _authorizer.Authorize(_snapshot, credential, ClientIp, RouteTable.ChatCompletions);
        return result.Succeeded && (result.Key!.Bucket?.TryAcquire().Allowed ?? true);
    }

    private static HeaderDictionary Bearer(string key) => new() { ["Authorization"] = "Bearer " + key };
}
