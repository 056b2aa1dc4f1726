using System.Net;
using Bastio.Gateway.Pipeline;
using Microsoft.AspNetCore.Http;

namespace Bastio.Gateway.Tests.Unit;

public sealed class RequestHeaderHygieneTests
{
    [Fact]
    public void Headers_named_in_Connection_are_dropped_and_the_resolved_client_is_stated()
    {
        var context = new DefaultHttpContext();
        context.Request.Headers.Connection = "keep-alive, X-Internal-Debug, not a token,,";
        using var proxyRequest = new HttpRequestMessage();
        proxyRequest.Headers.TryAddWithoutValidation("X-Internal-Debug", "on");
        proxyRequest.Headers.TryAddWithoutValidation("X-Forwarded-For", "198.51.100.9");
        proxyRequest.Headers.TryAddWithoutValidation("x-forwarded-host", "internal");
        proxyRequest.Headers.TryAddWithoutValidation("X-Kept", "yes");

        RequestHeaderHygiene.Apply(context.Request, proxyRequest, IPAddress.Parse("::ffff:203.0.113.7"));

        proxyRequest.Headers.Select(header => header.Key).Should().BeEquivalentTo("X-Kept", "X-Forwarded-For");
        proxyRequest.Headers.GetValues("X-Forwarded-For").Should().Equal("203.0.113.7");
    }
}
