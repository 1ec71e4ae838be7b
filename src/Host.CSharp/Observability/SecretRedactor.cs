using System.Text.RegularExpressions;

namespace CachetMonitor.Host.Observability;

/// <summary>
/// Knows every secret value of this run (the token, and each value a config took from <c>${VAR}</c>) and masks
/// them wherever text is printed.
/// </summary>
public sealed partial class SecretRedactor
{
    public const string Mask = "***";
    private volatile string[] _secrets = [];

    /// <summary>Adds values to mask; short values (under 4 characters) are ignored, they would mask ordinary text.</summary>
    public void Add(IEnumerable<string?> values)
    {
        lock (this)
        {
            _secrets = _secrets
                .Concat(values.OfType<string>().Where(v => v.Length >= 4))
                .Distinct(StringComparer.Ordinal)
                .OrderByDescending(v => v.Length)
                .ToArray();
        }
    }

    /// <summary>The values of the environment variables a config text refers to (<c>${VAR}</c> or <c>$VAR</c>).</summary>
    public static IEnumerable<string?> ReferencedEnvironmentValues(string configText, Func<string, string?> environment) =>
        VariableReference().Matches(configText.Replace("$$", ""))
            .Select(m => m.Groups["braced"].Success ? m.Groups["braced"].Value : m.Groups["bare"].Value)
            .Distinct()
            .Select(environment);

    public string Redact(string text)
    {
        var secrets = _secrets;
        foreach (var secret in secrets)
        {
            if (text.Contains(secret, StringComparison.Ordinal))
            {
                text = text.Replace(secret, Mask, StringComparison.Ordinal);
            }
        }
        return text;
    }

    [GeneratedRegex(@"\$(?:\{(?<braced>[A-Za-z_][A-Za-z0-9_]*)\}|(?<bare>[A-Za-z_][A-Za-z0-9_]*))")]
    private static partial Regex VariableReference();
}
