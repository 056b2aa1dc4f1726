using System.CommandLine;
using Bastio.Operator.Configuration;
using Bastio.Operator.Hosting;

// The operator handles SIGTERM and SIGINT itself (OperatorProgram): System.CommandLine's handling would
// force an exit two seconds after the signal, before in-flight reconciles end and the Lease is released.
return await OperatorCommandLine.Create(OperatorProgram.RunAsync, OperatorProgram.RotateAsync)
    .Parse(args)
    .InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null })
    .ConfigureAwait(false);
