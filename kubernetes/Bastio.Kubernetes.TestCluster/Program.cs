using System.Globalization;
using Bastio.Kubernetes.TestCluster;

// `make cluster`: serve the test cluster in the foreground until Ctrl-C.
var options = new TestClusterOptions();
string? kubeconfig = null;
var namespaces = new List<string>();
for (var i = 0; i < args.Length; i++)
{
    string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
    switch (args[i])
    {
        case "--port":
            options.Port = int.Parse(Value(), CultureInfo.InvariantCulture);
            break;
        case "--kubeconfig":
            kubeconfig = Value();
            break;
        case "--crds":
            options.CrdDirectory = Value();
            break;
        case "--namespace":
            namespaces.Add(Value());
            break;
        default:
            await Console.Error.WriteLineAsync($"unknown argument {args[i]}; usage: --port N --kubeconfig PATH --crds DIR --namespace NS...");
            return 2;
    }
}

if (namespaces.Count > 0)
{
    options.Namespaces.Clear();
    options.Namespaces.AddRange(namespaces);
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(
    System.Runtime.InteropServices.PosixSignal.SIGTERM, context =>
    {
        context.Cancel = true;
        stop.Cancel();
    });

await using var server = await TestClusterServer.StartAsync(options, stop.Token);
kubeconfig ??= Path.Combine(".bastio", "kubeconfig");
await server.WriteKubeconfigAsync(kubeconfig, stop.Token);
Console.WriteLine($"test cluster serving at {server.Url}");
Console.WriteLine($"kubeconfig: {Path.GetFullPath(kubeconfig)}");
try
{
    await Task.Delay(Timeout.Infinite, stop.Token);
}
catch (OperationCanceledException)
{
    Console.WriteLine("test cluster stopped");
}

return 0;
