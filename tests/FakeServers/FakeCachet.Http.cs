using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace CachetMonitor.FakeServers;

/// <summary>One API call as the handlers see it.</summary>
/// <param name="Method">The HTTP method.</param>
/// <param name="Input">The merged input.</param>
/// <param name="Authenticated">Whether a valid token was sent.</param>
/// <param name="RequestUrl">The absolute request URL without its query (the base of pagination links).</param>
/// <param name="Now">The fake's clock at arrival.</param>
internal sealed record ApiCall(string Method, CachetInput Input, bool Authenticated, string RequestUrl, DateTimeOffset Now)
{
    /// <summary>3.x: the abilities of the token sent (empty without a valid one).</summary>
    public IReadOnlySet<string> Abilities { get; init; } = new HashSet<string>();

    /// <summary>3.x: whether the token holds <paramref name="ability"/> (or <c>*</c>).</summary>
    public bool Can(string ability) => Abilities.Contains("*") || Abilities.Contains(ability);
}

/// <summary>The request pipeline: log, faults, routing (404/405), 406, 401, then the handler under the state lock.</summary>
public sealed partial class FakeCachet
{
    /// <summary>The API's path below the root: <c>/api/v1</c> (2.x) or <c>{CACHET_PATH}/api</c> (3.x).</summary>
    private string ApiPrefix { get; }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var aborted = context.RequestAborted;
        request.EnableBuffering();
        string body;
        using (var reader = new StreamReader(request.Body, Encoding.UTF8, false, 4096, leaveOpen: true))
            body = await reader.ReadToEndAsync(aborted);
        request.Body.Position = 0;

        var now = time.GetUtcNow();
        var path = request.Path.Value ?? "/";
        var headers = request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        lock (gate)
            requests.Add(new RecordedRequest(now, request.Method, path, request.QueryString.Value ?? "", headers, body));

        var apiPath = path == ApiPrefix || path.StartsWith(ApiPrefix + "/", StringComparison.Ordinal)
            ? path[ApiPrefix.Length..]
            : null;
        var fault = TakeFault(request.Method, apiPath ?? path, now);
        if (fault is not null)
        {
            switch (fault.Kind)
            {
                case CachetFaultKind.Abort:
                    context.Abort();
                    return;
                case CachetFaultKind.Redirect:
                    context.Response.StatusCode = fault.StatusCode;
                    context.Response.Headers.Location = fault.Location + path + request.QueryString.Value;
                    return;
                case CachetFaultKind.Delay:
                    await Task.Delay(fault.Delay, aborted);
                    break;
                case CachetFaultKind.Status when fault.Body is { } raw:
                    context.Response.StatusCode = fault.StatusCode;
                    context.Response.ContentType = fault.ContentType;
                    await context.Response.WriteAsync(raw, aborted);
                    return;
                case CachetFaultKind.RateLimited or CachetFaultKind.Status:
                    var error = Version == FakeCachetVersion.V3 ? Cachet3Json.Error(fault.StatusCode) : CachetJson.Error(fault.StatusCode);
                    await WriteAsync(context, fault.RetryAfter is { } after
                        ? error with { Headers = new Dictionary<string, string> { ["Retry-After"] = after } }
                        : error);
                    return;
            }
        }

        IEnumerable<KeyValuePair<string, string>> form = [];
        if (request.HasFormContentType)
        {
            var fields = await request.ReadFormAsync(aborted);
            form = fields.Select(f => new KeyValuePair<string, string>(f.Key, f.Value.LastOrDefault() ?? ""));
        }

        var contentType = request.ContentType ?? "";
        var json = contentType.Contains("/json", StringComparison.OrdinalIgnoreCase)
            || contentType.Contains("+json", StringComparison.OrdinalIgnoreCase)
            ? body
            : null;
        var query = request.Query.Select(q => new KeyValuePair<string, string>(q.Key, q.Value.LastOrDefault() ?? ""));
        var input = CachetInput.Merge(query, form, json);
        var token = Version == FakeCachetVersion.V3
            ? BearerToken(request.Headers.Authorization.ToString())
            : request.Headers["X-Cachet-Token"].ToString();
        IReadOnlySet<string>? abilities;
        lock (gate)
            abilities = token.Length > 0 ? tokens.GetValueOrDefault(token) : null;
        var call = new ApiCall(request.Method, input, abilities is not null, Root + path, now) { Abilities = abilities ?? new HashSet<string>() };
        var reply = Version == FakeCachetVersion.V3
            ? Dispatch3(call, apiPath, path)
            : Dispatch(call, apiPath, request.Headers.Accept.ToString());
        if (fault?.Kind == CachetFaultKind.AnswerLost)
        {
            context.Abort();
            return;
        }
        await WriteAsync(context, reply, fault);
    }

    private ApiReply Dispatch(ApiCall call, string? apiPath, string accept)
    {
        var routes = apiPath is null ? null : Route(apiPath.Trim('/').Split('/'));
        if (routes is null)
            return CachetJson.Error(404);
        if (!routes.TryGetValue(call.Method, out var handler))
        {
            return CachetJson.Error(405) with
            {
                Headers = new Dictionary<string, string> { ["Allow"] = string.Join(", ", routes.Keys) },
            };
        }

        if (!AcceptsJson(accept))
            return new ApiReply(406, null, Html: CachetJson.NotAcceptablePage());
        if (call.Method != HttpMethods.Get && !call.Authenticated)
            return CachetJson.Error(401);
        try
        {
            lock (gate)
                return handler(call);
        }
        catch (Exception e) when (e is ArgumentException or OverflowException or InvalidOperationException)
        {
            return CachetJson.Error(500);
        }
    }

    /// <summary>Laravel's <c>accepts('application/json')</c>: no header, <c>*/*</c>, <c>*</c>, <c>application/*</c> or <c>application/json</c>.</summary>
    private static bool AcceptsJson(string accept) =>
        string.IsNullOrWhiteSpace(accept)
        || accept.Split(',').Select(part => part.Split(';')[0].Trim().ToLowerInvariant())
            .Any(type => type is "*/*" or "*" or "application/*" or "application/json");

    /// <summary>Writes a reply; a garbling <paramref name="fault"/> alters its JSON body on the way.</summary>
    private static async Task WriteAsync(HttpContext context, ApiReply reply, CachetFault? fault = null)
    {
        var response = context.Response;
        response.StatusCode = reply.Status;
        foreach (var (name, value) in reply.Headers ?? new Dictionary<string, string>())
            response.Headers[name] = value;
        if (reply.Html is { } html)
        {
            response.ContentType = "text/html; charset=UTF-8";
            await response.WriteAsync(html, context.RequestAborted);
        }
        else if (reply.Body is { } body)
        {
            var (bytes, contentType) = CachetGarbling.Json(body, fault);
            // A reply's own media type (3.x resources: application/vnd.api+json) stands unless a fault relabels it.
            response.ContentType = fault?.Kind != CachetFaultKind.Charset && reply.Headers?.GetValueOrDefault("Content-Type") is { } own
                ? own
                : contentType;
            await response.Body.WriteAsync(bytes, context.RequestAborted);
        }
    }
}
