using System.CommandLine;

namespace CachetMonitor.Host.Cli;

/// <summary>
/// "Did you mean": the commands and options close to the words a failed parse could not place. Ours rather than the
/// library's, which misses the common case: `cachet-monitor valdate x.yml` parses "valdate" as the daemon's CONFIG.
/// </summary>
public static class Suggestions
{
    public static IReadOnlyList<string> For(ParseResult result)
    {
        var command = result.CommandResult.Command;
        // Unknown options land as argument values, and a mistyped command as the daemon's CONFIG.
        var words = result.Tokens
            .Where((t, i) => t.Type == System.CommandLine.Parsing.TokenType.Argument && (t.Value.StartsWith('-') || (i == 0 && command is RootCommand)))
            .Select(t => t.Value)
            .Concat(result.UnmatchedTokens)
            .ToList();
        var names = command.Subcommands.Select(c => c.Name)
            .Concat(Options(result).SelectMany(o => o.Aliases.Append(o.Name)))
            .Distinct()
            .ToList();
        return
        [
            .. words.Distinct()
                .SelectMany(word => names
                    .Where(name => name.StartsWith('-') == word.StartsWith('-') && IsClose(word, name))
                    .Select(name => $"'{word}': did you mean '{name}'?")),
        ];
    }

    /// <summary>The options in effect: the command's own and the recursive ones of its ancestors.</summary>
    private static IEnumerable<Option> Options(ParseResult result)
    {
        for (var node = result.CommandResult; node is not null; node = node.Parent as System.CommandLine.Parsing.CommandResult)
        {
            foreach (var option in node.Command.Options.Where(o => !o.Hidden && (node == result.CommandResult || o.Recursive)))
            {
                yield return option;
            }
        }
    }

    /// <summary>Within a third of the name's length in edits (at least one): a typo, not another word.</summary>
    private static bool IsClose(string word, string name) =>
        word != name && Distance(word, name) <= Math.Max(1, name.TrimStart('-').Length / 3);

    private static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j], current[j - 1]) + 1);
            }
            previous = current;
        }
        return previous[b.Length];
    }
}
