using Microsoft.Extensions.Logging;

namespace Bastio.Gateway.Observability;

/// <summary>
/// The frameworks' own per-request logs: ASP.NET Core's hosting diagnostics (request starting, request
/// finished), endpoint and result logs of the admin listener, and YARP's forwarder (proxying to, and the
/// upstream errors the gateway answers and records itself). At Information they would write several lines
/// per request; the access log already writes one.
/// </summary>
internal static class PerRequestDiagnostics
{
    private static readonly string[] Categories = ["Microsoft.AspNetCore", "Yarp"];

    /// <summary>Keeps their warnings and errors; at Debug or Trace (troubleshooting) everything stays.</summary>
    public static void Silence(ILoggingBuilder logging, LogLevel minimumLevel)
    {
        if (minimumLevel < LogLevel.Information)
        {
            return;
        }

        foreach (var category in Categories)
        {
            logging.AddFilter(category, LogLevel.Warning);
        }
    }
}
