using System.Net;
using Bastio.Kubernetes.Api;
using k8s.Exceptions;
using k8s;
using k8s.Models;
using Bastio.Plugin.Cli;

namespace Bastio.Plugin.Tests;

public sealed class ErrorReporterTests
{
    private static readonly Uri Server = new("https://127.0.0.1:16443");

    public static TheoryData<Exception, int, string> Cases => new()
    {
        { new ForbiddenException(new V1Status { Message = "apikeys.bastio.io is forbidden: User \"dev\" cannot create" }), ExitCodes.Forbidden, "forbidden: apikeys.bastio.io is forbidden" },
        { new UnauthorizedException(new V1Status()), ExitCodes.Forbidden, "unauthorized" },
        { new NotFoundException(new V1Status { Message = "apikeys \"x\" not found" }), ExitCodes.NotFound, "apikeys \"x\" not found" },
        { new HttpRequestException("Connection refused"), ExitCodes.Error, "cannot reach the Kubernetes API server at https://127.0.0.1:16443/" },
        { new KubeConfigException("kubeconfig 'x' does not exist."), ExitCodes.Error, "cannot use the kubeconfig" },
        { CommandException.Timeout("timed out after 1m"), ExitCodes.Timeout, "timed out after 1m" },
        { new ServerErrorException(HttpStatusCode.InternalServerError, new V1Status { Message = "boom" }), ExitCodes.Error, "answered 500: boom" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Failures_map_to_documented_exit_codes_and_one_line_messages(Exception exception, int exitCode, string message)
    {
        using var error = new StringWriter();

        var code = ErrorReporter.Report(exception, error, Server);

        code.Should().Be(exitCode);
        error.ToString().Should().StartWith("error: ").And.Contain(message);
        error.ToString().TrimEnd().Should().NotContain("\n", "one line, no stack trace");
    }

    [Fact]
    public void Validation_errors_name_the_fields()
    {
        var invalid = new InvalidException(new V1Status
        {
            Message = "ApiKey.bastio.io \"x\" is invalid",
            Details = new() { Causes = [new() { Field = "spec.rateLimit.period", Message = "Unsupported value: \"fortnight\"" }] },
        });
        using var error = new StringWriter();

        ErrorReporter.Report(invalid, error, Server).Should().Be(ExitCodes.Error);

        error.ToString().Should().Contain("spec.rateLimit.period: Unsupported value");
    }
}
