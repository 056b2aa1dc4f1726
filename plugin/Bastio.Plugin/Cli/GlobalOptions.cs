using System.CommandLine;
using System.CommandLine.Parsing;
using Bastio.Plugin.Output;

namespace Bastio.Plugin.Cli;

/// <summary>The options every command accepts, named as kubectl names them.</summary>
public sealed class GlobalOptions
{
    public Option<string?> Kubeconfig { get; } = new("--kubeconfig")
    {
        Description = "Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)",
        Recursive = true,
    };

    public Option<string?> Context { get; } = new("--context")
    {
        Description = "The kubeconfig context to use (default: its current-context)",
        Recursive = true,
    };

    public Option<string?> Namespace { get; } = new("--namespace", "-n")
    {
        Description = "Namespace (default: the context's namespace, else \"default\")",
        Recursive = true,
    };

    public Option<OutputFormat> Output { get; } = new("--output", "-o")
    {
        Description = "Output format: table, json or yaml",
        Recursive = true,
        DefaultValueFactory = _ => OutputFormat.Table,
        CustomParser = ParseOutput,
    };

    public Option<TimeSpan> Timeout { get; } = new("--timeout")
    {
        Description = "How long commands that wait (create, rotate --wait, regenerate) wait, e.g. 30s, 2m",
        Recursive = true,
        DefaultValueFactory = _ => TimeSpan.FromSeconds(60),
        CustomParser = ParseTimeout,
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Kubeconfig);
        command.Options.Add(Context);
        command.Options.Add(Namespace);
        command.Options.Add(Output);
        command.Options.Add(Timeout);
    }

    private static OutputFormat ParseOutput(ArgumentResult result)
    {
        var value = result.Tokens.Count == 0 ? "" : result.Tokens[0].Value;
        switch (value)
        {
            case "json":
                return OutputFormat.Json;
            case "yaml":
                return OutputFormat.Yaml;
            case "table" or "wide":
                return OutputFormat.Table;
            default:
                result.AddError($"--output: unknown format '{value}'; use table, json or yaml");
                return OutputFormat.Table;
        }
    }

    private static TimeSpan ParseTimeout(ArgumentResult result)
    {
        var value = result.Tokens.Count == 0 ? "" : result.Tokens[0].Value;
        if (Durations.TryParse(value, out var timeout) && timeout > TimeSpan.Zero)
        {
            return timeout;
        }

        result.AddError($"--timeout: '{value}' is not a positive duration like 30s, 2m or 1h");
        return TimeSpan.Zero;
    }
}
