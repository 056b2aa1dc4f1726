using System.Runtime.InteropServices;
using Bastio.StubUpstream;

// `dotnet run --project local/Bastio.StubUpstream -- --port 18081 [--address A] [--valid-key K]... [--chunk-delay-ms N]
//  [--ca-out FILE | --plain-http]`: HTTPS with a CA made at start, whose certificate --ca-out writes as PEM for clients to trust.
var options = new StubUpstreamOptions();
string? caOut = null;
var port = int.TryParse(Environment.GetEnvironmentVariable("BASTIO_STUB_PORT"), out var fromEnvironment) ? fromEnvironment : 18081;
var validKeys = new List<string>();
for (var index = 0; index < args.Length; index++)
{
    var value = index + 1 < args.Length ? args[index + 1] : null;
    switch (args[index])
    {
        case "--port" when int.TryParse(value, out var parsed):
            port = parsed;
            index++;
            break;
        case "--address" when value is not null:
            options.Address = value;
            index++;
            break;
        case "--valid-key" when value is not null:
            validKeys.Add(value);
            index++;
            break;
        case "--chunk-delay-ms" when int.TryParse(value, out var milliseconds):
            options.ChunkDelay = TimeSpan.FromMilliseconds(milliseconds);
            index++;
            break;
        case "--ca-out" when value is not null:
            caOut = value;
            index++;
            break;
        case "--plain-http":
            options.PlainHttp = true;
            break;
        default:
            await Console.Error.WriteLineAsync($"unknown or incomplete argument '{args[index]}'; usage: --port N --address A --valid-key K --chunk-delay-ms N --ca-out FILE --plain-http");
            return 2;
    }
}

options.ValidApiKeys = validKeys.ToHashSet(StringComparer.Ordinal);
options.RequestLog = TextWriter.Synchronized(Console.Out);
await using var server = await StubUpstreamServer.StartAsync(port, options);

// Written once the stub listens, so a client that finds the file can connect.
if (caOut is not null)
{
    server.CertificateAuthority?.WriteCertificatePem(caOut);
}

Console.WriteLine($"stub upstream listening on {server.BaseUrl}");
var stopped = new TaskCompletionSource();
using var registration = PosixSignalRegistration.Create(PosixSignal.SIGINT, context =>
{
    context.Cancel = true;
    stopped.TrySetResult();
});
using var termination = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    stopped.TrySetResult();
});
await stopped.Task;
return 0;
