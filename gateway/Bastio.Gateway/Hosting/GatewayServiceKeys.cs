namespace Bastio.Gateway.Hosting;

/// <summary>
/// Keys of the keyed services a host of the gateway may register in <see cref="GatewayHost.StartAsync"/>'s
/// <c>configureServices</c>. The unkeyed ones are a <see cref="TimeProvider"/>, extra
/// <see cref="Microsoft.Extensions.Logging.ILoggerProvider"/>s and the watches'
/// <see cref="Kubernetes.Runtime.Informers.InformerOptions"/>.
/// </summary>
public static class GatewayServiceKeys
{
    /// <summary>A <see cref="TextWriter"/> that receives the access-log lines instead of standard output.</summary>
    public const string AccessLog = "Bastio.Gateway.AccessLog";

    /// <summary>
    /// A <see cref="string"/>: the name of the gateway's meter, distinct per in-process gateway so parallel
    /// hosts do not see each other's measurements.
    /// </summary>
    public const string MeterName = "Bastio.Gateway.MeterName";
}
