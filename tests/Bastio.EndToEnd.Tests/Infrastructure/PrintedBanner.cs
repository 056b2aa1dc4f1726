using System.Text.RegularExpressions;

namespace Bastio.EndToEnd.Tests.Infrastructure;

/// <summary>What <c>make run</c> printed once ready, read the way a person reads it.</summary>
public sealed partial record PrintedBanner(string ApiKey, Uri GatewayUrl, string Kubeconfig, string Curl)
{
    public static PrintedBanner Parse(string output)
    {
        var key = ApiKeyLine().Match(output);
        var gateway = GatewayLine().Match(output);
        var kubeconfig = KubeconfigLine().Match(output);
        if (!key.Success || !gateway.Success || !kubeconfig.Success)
        {
            throw new FormatException("the output lacks the API key, gateway URL or kubeconfig line");
        }

        return new(key.Groups[1].Value, new Uri(gateway.Groups[1].Value), kubeconfig.Groups[1].Value, ExtractCurl(output));
    }

    /// <summary>The printed curl command: the line starting with <c>curl</c> and its <c>\</c> continuations.</summary>
    public static string ExtractCurl(string output)
    {
        var lines = output.Split('\n').Select(line => line.TrimEnd('\r')).ToList();
        var start = lines.FindIndex(line => line.TrimStart().StartsWith("curl ", StringComparison.Ordinal));
        if (start < 0)
        {
            throw new FormatException("no curl command in the output");
        }

        var end = start;
        while (lines[end].EndsWith('\\') && end + 1 < lines.Count)
        {
            end++;
        }

        return string.Join('\n', lines[start..(end + 1)].Select(line => line.Trim()));
    }

    [GeneratedRegex(@"API key:\s+(bastio_sk_\w+)")]
    private static partial Regex ApiKeyLine();

    [GeneratedRegex(@"Gateway URL:\s+(\S+)")]
    private static partial Regex GatewayLine();

    [GeneratedRegex(@"export KUBECONFIG=(\S+)")]
    private static partial Regex KubeconfigLine();
}
