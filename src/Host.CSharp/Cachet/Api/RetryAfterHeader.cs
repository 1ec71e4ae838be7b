using System.Globalization;

namespace CachetMonitor.Host.Cachet.Api;

/// <summary>
/// A server's <c>Retry-After</c> (RFC 9110 §10.2.3): delta-seconds or an HTTP-date, measured against the caller's clock
/// and capped at <see cref="MaxWait"/>, so that a proxy's <c>9999999</c> neither parks writes for months nor overflows
/// <c>Task.Delay</c>. Anything else (<c>-5</c>, <c>1.5</c>, <c>abc</c>) is garbage and reads as absent.
/// </summary>
public static class RetryAfterHeader
{
    /// <summary>The longest wait a server can ask for.</summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(60);

    // IMF-fixdate, then the obsolete RFC 850 and asctime forms that recipients must still accept.
    private static readonly string[] DateFormats =
    [
        "ddd, dd MMM yyyy HH':'mm':'ss 'GMT'",
        "dddd, dd'-'MMM'-'yy HH':'mm':'ss 'GMT'",
        "ddd MMM d HH':'mm':'ss yyyy",
    ];

    /// <summary>The wait a header value asks for, between zero and <see cref="MaxWait"/>; null when absent or garbage.</summary>
    /// <param name="value">The raw header value (the first one when repeated).</param>
    /// <param name="now">The time the answer arrived, for the date form.</param>
    public static TimeSpan? Parse(string? value, DateTimeOffset now)
    {
        var text = value?.Trim() ?? "";
        if (text.Length == 0)
            return null;
        if (text.All(char.IsAsciiDigit))
        {
            var digits = text.TrimStart('0');
            return digits.Length > 9 ? MaxWait : Cap(TimeSpan.FromSeconds(digits.Length == 0 ? 0 : int.Parse(digits, CultureInfo.InvariantCulture)));
        }

        return DateTimeOffset.TryParseExact(
            text, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowInnerWhite, out var date)
            ? Cap(date - now)
            : null;
    }

    /// <summary>A wait clamped to zero … <see cref="MaxWait"/>.</summary>
    public static TimeSpan Cap(TimeSpan wait) =>
        wait < TimeSpan.Zero ? TimeSpan.Zero : wait > MaxWait ? MaxWait : wait;
}
