using System.Globalization;

namespace CachetMonitor.Host.Cachet.Api;

/// <summary>Numbers as Cachet should receive them.</summary>
public static class CachetNumber
{
    /// <summary>The body of a metric point: the value as a plain decimal and the Unix timestamp.</summary>
    /// <exception cref="ArgumentOutOfRangeException">For NaN or an infinity.</exception>
    public static System.Text.Json.Nodes.JsonObject PointBody(double value, long unixSeconds) => new()
    {
        ["value"] = System.Text.Json.Nodes.JsonNode.Parse(PlainDecimal(value)),
        ["timestamp"] = unixSeconds,
    };

    /// <summary>
    /// A finite double as a plain invariant decimal that round-trips (<c>8.5E-05</c> becomes <c>0.000085</c>,
    /// <c>1E+21</c> becomes <c>1000000000000000000000</c>).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">For NaN or an infinity.</exception>
    public static string PlainDecimal(double value)
    {
        if (!double.IsFinite(value))
            throw new ArgumentOutOfRangeException(nameof(value), "A metric value must be a finite number.");
        var shortest = value.ToString("R", CultureInfo.InvariantCulture);
        var e = shortest.IndexOfAny(['E', 'e']);
        if (e < 0)
            return shortest;

        var exponent = int.Parse(shortest[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var mantissa = shortest[..e];
        var sign = mantissa.StartsWith('-') ? "-" : "";
        mantissa = mantissa.TrimStart('-');
        var point = mantissa.IndexOf('.');
        var digits = mantissa.Replace(".", "", StringComparison.Ordinal);
        var newPoint = (point < 0 ? mantissa.Length : point) + exponent;
        var plain = newPoint <= 0 ? "0." + new string('0', -newPoint) + digits
            : newPoint >= digits.Length ? digits + new string('0', newPoint - digits.Length)
            : digits[..newPoint] + "." + digits[newPoint..];
        return sign + plain;
    }
}
