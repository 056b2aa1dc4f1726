using System.Net;
using System.Security.Authentication;
using Bastio.Kubernetes.Api;
using k8s.Exceptions;

namespace Bastio.Plugin.Cli;

/// <summary>Turns any failure into one line on stderr and a documented exit code; never a stack trace.</summary>
public static class ErrorReporter
{
    public static int Report(Exception exception, TextWriter error, Uri? server)
    {
        var (code, message) = Describe(exception, server);
        error.WriteLine($"error: {message}");
        return code;
    }

    public static (int ExitCode, string Message) Describe(Exception exception, Uri? server) => exception switch
    {
        CommandException command => (command.ExitCode, command.Message),
        ForbiddenException forbidden => (ExitCodes.Forbidden, $"forbidden: {forbidden.Status.Message ?? "the API server denied the request (RBAC)"}"),
        UnauthorizedException => (ExitCodes.Forbidden,
            $"unauthorized: the API server at {server} refused the credentials of the current context; check --kubeconfig and --context"),
        NotFoundException notFound => (ExitCodes.NotFound, notFound.Status.Message ?? "not found"),
        InvalidException invalid => (ExitCodes.Error, InvalidMessage(invalid)),
        KubernetesApiException api => (ExitCodes.Error, $"the API server answered {(int)api.StatusCode}: {api.Status.Message}"),
        HttpRequestException { InnerException: AuthenticationException } => (ExitCodes.Error,
            $"TLS to the API server at {server} failed: its certificate does not match the kubeconfig's certificate authority"),
        HttpRequestException http => (ExitCodes.Error,
            $"cannot reach the Kubernetes API server at {server}: {http.Message} (is the cluster running? `make run` starts a local one)"),
        KubeConfigException kubeconfig => (ExitCodes.Error, $"cannot use the kubeconfig: {kubeconfig.Message}"),
        TaskCanceledException or TimeoutException => (ExitCodes.Timeout, "timed out talking to the API server"),
        _ => (ExitCodes.Error, exception.Message),
    };

    private static string InvalidMessage(InvalidException invalid)
    {
        var causes = invalid.Causes.Select(cause => $"{cause.Field}: {cause.Message}").ToList();
        return causes.Count == 0
            ? $"the API server rejected the object: {invalid.Status.Message}"
            : $"the API server rejected the object: {string.Join("; ", causes)}";
    }
}
