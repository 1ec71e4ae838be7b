namespace CachetMonitor.Host.Secrets;

/// <summary>
/// Knows every secret value of this run (the token, and each value a config took from <c>${VAR}</c>) and masks
/// them wherever text is printed.
/// </summary>
public sealed class SecretRedactor
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
}
