using System.Net;

namespace Bastio.Gateway.Observability;

/// <summary>What is known about a request when it completes: the metrics and the access-log line.</summary>
internal readonly record struct RequestRecord(
    string RequestId,
    string Method,
    string Route,
    int Status,
    string? Reason,
    string KeyId,
    string Namespace,
    string Proxy,
    IPAddress? ClientIp,
    TimeSpan Duration,
    TimeSpan? Upstream)
{
    public TimeSpan Overhead => Upstream is { } upstream ? Duration - upstream : Duration;
}
