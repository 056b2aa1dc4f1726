using Bastio.Operator.Configuration;

namespace Bastio.Operator.Hosting;

/// <summary>Entry points behind the command line.</summary>
internal static class OperatorProgram
{
    public static Task<int> RunAsync(OperatorOptions options, CancellationToken cancellationToken) => throw new NotImplementedException();

    public static Task<int> RotateAsync(RotateOptions options, CancellationToken cancellationToken) => throw new NotImplementedException();
}
