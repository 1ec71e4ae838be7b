namespace CachetMonitor.Host.Cachet.Api;

/// <summary>A Cachet incident as the monitor needs it.</summary>
/// <param name="Id">The incident id.</param>
/// <param name="Name">The title.</param>
/// <param name="Status">The incident status code (0–4; 4 is fixed).</param>
/// <param name="ComponentId">The linked component (null when none).</param>
/// <param name="Visible">Whether the incident is public.</param>
/// <param name="Message">The incident message.</param>
/// <param name="MonitorTag">
/// The value of the incident's meta key <see cref="MonitorTagKey"/> (the tag this tool gave it when it created it);
/// null when it has none (made by hand or by another tool, or on Cachet 2.3, which keeps no incident meta).
/// </param>
/// <param name="ComponentStatus">
/// Cachet 3: the status the incident gives <paramref name="ComponentId"/> (its impact, a 2.x code 0–4); null on 2.x,
/// or when the answer does not tell it unambiguously.
/// </param>
public sealed record CachetIncident(
    IncidentId Id, string Name, int Status, ComponentId? ComponentId, bool Visible, string Message, string? MonitorTag = null, int? ComponentStatus = null)
{
    /// <summary>The incident meta key that carries <see cref="MonitorTag"/>.</summary>
    public const string MonitorTagKey = "cachet_monitor";

    /// <summary>
    /// Whether Cachet keeps a tag exactly as sent: 1–100 of <c>A–Z a–z 0–9 . _ : / @ + = -</c>, and not <c>"0"</c>.
    /// Cachet trims and HTML-cleans meta values, drops the ones PHP calls empty (<c>"0"</c> among them) and stores them
    /// in a 255-character column: another tag could come back changed or not at all, and its incident would never be
    /// recognised.
    /// </summary>
    public static bool IsValidMonitorTag(string tag) =>
        IsValid(tag);

    /// <summary>Throws when a tag (null: none) is not one Cachet keeps as sent (<see cref="IsValidMonitorTag"/>).</summary>
    /// <exception cref="ArgumentException">When it is not.</exception>
    public static void CheckTag(string? tag, string parameter)
    {
        if (tag is not null && !IsValid(tag))
            throw new ArgumentException("An incident tag must be 1 to 100 of A-Z a-z 0-9 . _ : / @ + = - and not \"0\".", parameter);
    }

    private static bool IsValid(string tag) =>
        tag.Length is >= 1 and <= 100
        && tag != "0"
        && tag.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or ':' or '/' or '@' or '+' or '=' or '-');
}
