using System.Net;
using System.Net.Http.Headers;
using Bastio.Kubernetes.Client;
using Bastio.Kubernetes.Models;

namespace Bastio.Kubernetes.Tests.Client;

public sealed class ErrorMappingTests
{
    private static string StatusJson(int code, string reason, string message, string details = "{}") =>
        $$"""{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"{{message}}","reason":"{{reason}}","details":{{details}},"code":{{code}}}""";

    private static async Task<KubernetesApiException> FailingGet(HttpResponseMessage response)
    {
        using var client = StubClient.Create(new StubHandler((_, _) => response));
        var act = () => client.ConfigMaps().GetAsync("default", "m");
        return (await act.Should().ThrowAsync<KubernetesApiException>()).Which;
    }

    [Theory]
    [InlineData(404, "NotFound", typeof(NotFoundException))]
    [InlineData(409, "AlreadyExists", typeof(AlreadyExistsException))]
    [InlineData(409, "Conflict", typeof(ConflictException))]
    [InlineData(410, "Expired", typeof(GoneException))]
    [InlineData(403, "Forbidden", typeof(ForbiddenException))]
    [InlineData(401, "Unauthorized", typeof(UnauthorizedException))]
    [InlineData(500, "InternalError", typeof(ServerErrorException))]
    [InlineData(503, "ServiceUnavailable", typeof(ServerErrorException))]
    [InlineData(400, "BadRequest", typeof(KubernetesApiException))]
    public async Task Status_answers_map_to_typed_exceptions_carrying_the_Status(int code, string reason, Type expected)
    {
        var error = await FailingGet(StubHandler.Json((HttpStatusCode)code, StatusJson(code, reason, "configmaps \\\"m\\\" says " + reason)));

        error.Should().BeOfType(expected);
        error.StatusCode.Should().Be((HttpStatusCode)code);
        error.Reason.Should().Be(reason);
        error.Message.Should().Be($"configmaps \"m\" says {reason}");
    }

    [Fact]
    public async Task Invalid_exposes_the_field_causes()
    {
        var details = """{"name":"bad","kind":"Widget","causes":[{"reason":"FieldValueRequired","message":"Required value","field":"spec.size"}]}""";

        var error = await FailingGet(StubHandler.Json(HttpStatusCode.UnprocessableEntity, StatusJson(422, "Invalid", "Widget \\\"bad\\\" is invalid", details)));

        var causes = error.Should().BeOfType<InvalidException>().Which.Causes;
        causes.Should().ContainSingle().Which.Field.Should().Be("spec.size");
        causes[0].Reason.Should().Be("FieldValueRequired");
    }

    [Fact]
    public async Task TooManyRequests_takes_Retry_After_from_the_header()
    {
        var response = StubHandler.Json(HttpStatusCode.TooManyRequests, StatusJson(429, "TooManyRequests", "slow down", """{"retryAfterSeconds":9}"""));
        response.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(2));
        using var client = StubClient.Create(new StubHandler((_, _) => response));

        var act = () => client.ConfigMaps().CreateAsync(new ConfigMap { Metadata = new ObjectMeta { Name = "m", Namespace = "default" } });

        (await act.Should().ThrowAsync<TooManyRequestsException>()).Which.RetryAfter.Should().Be(TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task TooManyRequests_falls_back_to_details_retryAfterSeconds()
    {
        using var client = StubClient.Create(new StubHandler((_, _) =>
            StubHandler.Json(HttpStatusCode.TooManyRequests, StatusJson(429, "TooManyRequests", "slow down", """{"retryAfterSeconds":7}"""))));

        var act = () => client.ConfigMaps().CreateAsync(new ConfigMap { Metadata = new ObjectMeta { Name = "m", Namespace = "default" } });

        (await act.Should().ThrowAsync<TooManyRequestsException>()).Which.RetryAfter.Should().Be(TimeSpan.FromSeconds(7));
    }

    [Fact]
    public async Task A_non_Status_body_still_gives_a_typed_exception_with_a_generic_message()
    {
        var response = new HttpResponseMessage(HttpStatusCode.NotFound) { Content = new StringContent("<html>404 page not found</html>") };

        var error = await FailingGet(response);

        error.Should().BeOfType<NotFoundException>();
        error.Message.Should().Be("the server could not find the requested resource");
        error.Status.Details!.Causes!.Single().Message.Should().Contain("404 page not found");
    }

    [Fact]
    public async Task A_non_Status_gateway_error_is_a_server_error()
    {
        var error = await FailingGet(new HttpResponseMessage(HttpStatusCode.BadGateway) { Content = new StringContent("upstream connect error") });

        error.Should().BeOfType<ServerErrorException>();
        error.Status.Code.Should().Be(502);
    }

    [Fact]
    public async Task TryGet_returns_null_on_404_but_throws_other_errors()
    {
        using var notFound = StubClient.Create(new StubHandler((_, _) => StubHandler.Json(HttpStatusCode.NotFound, StatusJson(404, "NotFound", "gone"))));
        using var forbidden = StubClient.Create(new StubHandler((_, _) => StubHandler.Json(HttpStatusCode.Forbidden, StatusJson(403, "Forbidden", "no"))));

        (await notFound.Secrets().TryGetAsync("default", "s")).Should().BeNull();
        await forbidden.Invoking(c => c.Secrets().TryGetAsync("default", "s")).Should().ThrowAsync<ForbiddenException>();
    }
}
