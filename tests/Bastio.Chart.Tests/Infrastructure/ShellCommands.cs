using System.Text;
using System.Text.RegularExpressions;

namespace Bastio.Chart.Tests.Infrastructure;

/// <summary>A command from a docs page, split into words the way a POSIX shell would.</summary>
internal sealed record DocCommand(string Page, int Line, IReadOnlyList<string> Words)
{
    public override string ToString() => $"{Page}:{Line}: {string.Join(' ', Words)}";
}

/// <summary>Finds the commands in the ```sh blocks of Markdown pages.</summary>
internal static partial class ShellCommands
{
    [GeneratedRegex(@"^```sh\s*\n(.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex ShellBlock();

    public static IEnumerable<DocCommand> FromMarkdown(string page, string markdown)
    {
        foreach (Match block in ShellBlock().Matches(markdown))
        {
            var firstLine = markdown[..block.Groups[1].Index].Count(character => character == '\n') + 1;
            var lines = block.Groups[1].Value.Split('\n');
            var pending = new StringBuilder();
            var start = firstLine;
            for (var index = 0; index < lines.Length; index++)
            {
                var line = lines[index].Trim();
                if (pending.Length == 0)
                {
                    start = firstLine + index;
                    if (line.Length == 0 || line.StartsWith('#'))
                    {
                        continue;
                    }
                }

                if (line.EndsWith('\\'))
                {
                    pending.Append(line[..^1]).Append(' ');
                    continue;
                }

                pending.Append(line);
                yield return new DocCommand(page, start, Split(pending.ToString()));
                pending.Clear();
            }
        }
    }

    /// <summary>Words with single and double quotes removed; no expansion, which docs commands must not need.</summary>
    public static IReadOnlyList<string> Split(string command)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        char? quote = null;
        foreach (var character in command)
        {
            if (quote is not null)
            {
                if (character == quote)
                {
                    quote = null;
                }
                else
                {
                    word.Append(character);
                }
            }
            else if (character is '\'' or '"')
            {
                quote = character;
                inWord = true;
            }
            else if (char.IsWhiteSpace(character))
            {
                if (inWord)
                {
                    words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                }
            }
            else
            {
                word.Append(character);
                inWord = true;
            }
        }

        if (quote is not null)
        {
            throw new FormatException($"Unterminated {quote} quote in: {command}");
        }

        if (inWord)
        {
            words.Add(word.ToString());
        }

        return words;
    }
}
