using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Bastio.Benchmarks.Infrastructure;
using Bastio.Benchmarks.Reporting;
using Bastio.Kubernetes.Api;

namespace Bastio.Benchmarks.Gateway;

/// <summary>
/// How long a revocation takes to reach the gateway while it serves every key: from the moment the API
/// server accepts the merge patch <c>{"spec":{"revoked":true}}</c> (the response arrives) until the
/// gateway's first 401 for that key, polled back to back on one connection.
/// </summary>
internal sealed class RevocationScenario(BenchSettings settings, ResultsTable results, GatewayFixture fixture)
{
    private const string Scenario = "revocation propagation";
    private static readonly TimeSpan GiveUpAfter = TimeSpan.FromSeconds(30);

    public async Task RunAsync()
    {
        using var http = new HttpClient { BaseAddress = fixture.Gateway.Url };
        var count = Math.Min(settings.Revocations, fixture.Keys.Count - 1);
        var latencies = new List<double>(count);

        // The last keys: the end-to-end scenario uses the first one.
        foreach (var key in fixture.Keys.Skip(fixture.Keys.Count - count))
        {
            var before = await SendAsync(http, key.Key).ConfigureAwait(false);
            if (before != HttpStatusCode.OK)
            {
                throw new InvalidOperationException($"{key} is answered {(int)before} before its revocation; expected 200.");
            }

            await fixture.Cluster.ApiKeys.PatchAsync(BenchCluster.Namespace, key.Name, PatchType.Merge, """{"spec":{"revoked":true}}""").ConfigureAwait(false);
            var accepted = Stopwatch.StartNew();
            HttpStatusCode status;
            do
            {
                status = await SendAsync(http, key.Key).ConfigureAwait(false);
                if (accepted.Elapsed > GiveUpAfter)
                {
                    throw new TimeoutException($"{key} was still answered {(int)status} {GiveUpAfter.TotalSeconds:0}s after its revocation was accepted.");
                }
            }
            while (status != HttpStatusCode.Unauthorized);

            latencies.Add(accepted.Elapsed.TotalMilliseconds);
        }

        latencies.Sort();
        var note = $"{count} keys revoked one after another with {fixture.Keys.Count:N0} keys loaded";
        results.Add(new Figure(Scenario, "write accepted → first 401: p50", Percentile(latencies, 0.50), "ms") { Note = note });
        var p99 = Percentile(latencies, 0.99);
        results.Add(new Figure(Scenario, "write accepted → first 401: p99", p99, "ms") { Goal = "≤ 1 s", MeetsGoal = p99 <= 1000 });
    }

    private static async Task<HttpStatusCode> SendAsync(HttpClient http, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
        {
            Content = new StringContent("""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await http.SendAsync(request).ConfigureAwait(false);
        return response.StatusCode;
    }

    /// <summary>Nearest-rank percentile of sorted values.</summary>
    private static double Percentile(IReadOnlyList<double> sorted, double fraction) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(fraction * sorted.Count) - 1, 0, sorted.Count - 1)];
}
