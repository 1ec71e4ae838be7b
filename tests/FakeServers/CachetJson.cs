using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace CachetMonitor.FakeServers;

/// <summary>An answer of the fake Cachet: a status, a JSON body (null for none), extra headers, or an HTML page.</summary>
internal sealed record ApiReply(
    int Status, JsonNode? Body, IReadOnlyDictionary<string, string>? Headers = null, string? Html = null)
{
    /// <summary>200 with <c>{"data": …}</c>.</summary>
    public static ApiReply Data(JsonNode? data) => new(200, new JsonObject { ["data"] = data });
}

/// <summary>Cachet's JSON shapes: objects, error bodies and pagination.</summary>
internal static class CachetJson
{
    /// <summary>Cachet's timestamp format, <c>Y-m-d H:i:s</c>, in UTC (the fake's app time zone).</summary>
    public static string Timestamp(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>An error reply in Cachet's <c>{"errors":[…]}</c> shape.</summary>
    public static ApiReply Error(int status, IReadOnlyList<string>? details = null, string? detail = null)
    {
        var (title, standardDetail) = Describe(status);
        var error = new JsonObject
        {
            ["id"] = Guid.NewGuid().ToString(),
            ["status"] = status,
            ["title"] = title,
            ["detail"] = detail ?? standardDetail,
        };
        if (details is not null)
            error["meta"] = new JsonObject { ["details"] = new JsonArray([.. details.Select(d => (JsonNode?)d)]) };
        return new ApiReply(status, new JsonObject { ["errors"] = new JsonArray(error) });
    }

    /// <summary>A 400 validation failure with <c>meta.details</c>.</summary>
    public static ApiReply Invalid(IReadOnlyList<string> details) => Error(400, details);

    /// <summary>A 404 for a missing record of the named Cachet model (e.g. <c>Component</c>).</summary>
    public static ApiReply ModelNotFound(string model) =>
        Error(404, detail: $"No query results for model [CachetHQ\\Cachet\\Models\\{model}].");

    /// <summary>The HTML page Cachet shows for a 406.</summary>
    public static string NotAcceptablePage() =>
        "<!DOCTYPE html>\n<html>\n<head><meta charset=\"utf-8\"><title>Not Acceptable</title></head>\n"
        + "<body><h1>406 Not Acceptable</h1><p>" + Describe(406).Detail + "</p></body>\n</html>\n";

    /// <summary>Title and standard detail of a status code.</summary>
    public static (string Title, string Detail) Describe(int status) => status switch
    {
        400 => ("Bad Request", "The request cannot be fulfilled due to bad syntax."),
        401 => ("Unauthorized", "Authentication is required and has failed or has not yet been provided."),
        403 => ("Forbidden", "The request was a legal request, but the server is refusing to respond to it."),
        404 => ("Not Found", "The requested resource could not be found but may be available again in the future."),
        405 => ("Method Not Allowed", "A request was made of a resource using a request method not supported by that resource."),
        406 => ("Not Acceptable", "The requested resource is only capable of generating content not acceptable according to the Accept headers sent in the request."),
        429 => ("Too Many Requests", "The user has sent too many requests in a given amount of time."),
        502 => ("Bad Gateway", "The server was acting as a gateway or proxy and received an invalid response from the upstream server."),
        503 => ("Service Unavailable", "The server is currently unavailable. It may be overloaded or down for maintenance."),
        504 => ("Gateway Timeout", "The server was acting as a gateway or proxy and did not receive a timely response from the upstream server."),
        _ when status >= 500 => ("Internal Server Error", "An error has occurred and this resource cannot be displayed."),
        _ => ("Error", "An error has occurred."),
    };

    /// <summary>
    /// A paginated list: <c>per_page</c> (default 20) and <c>page</c> (non-integer or &lt; 1 → 1) from the input;
    /// links are <paramref name="requestUrl"/> plus every original query parameter but <c>page</c>, then <c>page=N</c>.
    /// </summary>
    public static ApiReply Paginate<T>(
        IReadOnlyList<T> rows, Func<T, JsonNode> render, CachetInput input, string requestUrl)
    {
        var perPage = CachetInput.TryInt(input.Get("per_page"), out var pp) && pp >= 1 ? (int)Math.Min(pp, 100_000) : 20;
        var page = CachetInput.TryInt(input.Get("page"), out var p) && p >= 1 ? (int)Math.Min(p, 1_000_000) : 1;
        var total = rows.Count;
        var totalPages = Math.Max((total + perPage - 1) / perPage, 1);
        var items = rows.Skip((int)Math.Min((long)(page - 1) * perPage, total)).Take(perPage).Select(render).ToArray();
        var keep = input.Query.Where(q => q.Key != "page").ToArray();
        string Link(int n) => requestUrl + "?" + Encode([.. keep, new("page", n.ToString(CultureInfo.InvariantCulture))]);
        var pagination = new JsonObject
        {
            ["total"] = total,
            ["count"] = items.Length,
            ["per_page"] = perPage,
            ["current_page"] = page,
            ["total_pages"] = totalPages,
            ["links"] = new JsonObject
            {
                ["next_page"] = page < totalPages ? Link(page + 1) : null,
                ["previous_page"] = page > 1 ? Link(page - 1) : null,
            },
        };
        return new ApiReply(200, new JsonObject
        {
            ["meta"] = new JsonObject { ["pagination"] = pagination },
            ["data"] = new JsonArray(items),
        });
    }

    /// <summary>PHP's <c>http_build_query</c>: RFC 1738 encoding, <c>+</c> for space.</summary>
    public static string Encode(IEnumerable<KeyValuePair<string, string>> pairs) =>
        string.Join("&", pairs.Select(p => UrlEncode(p.Key) + "=" + UrlEncode(p.Value)));

    private static string UrlEncode(string text)
    {
        var builder = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')
                builder.Append(c);
            else if (c == ' ')
                builder.Append('+');
            else
                builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
        }

        return builder.ToString();
    }
}
