using Bastio.Operator.Configuration;
using Bastio.Operator.Hosting;

return await OperatorCommandLine.Create(OperatorProgram.RunAsync, OperatorProgram.RotateAsync)
    .Parse(args)
    .InvokeAsync()
    .ConfigureAwait(false);
