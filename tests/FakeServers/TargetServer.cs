using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace CachetMonitor.FakeServers;

/// <summary>How the <see cref="TargetServer"/> answers one path.</summary>
public sealed record TargetBehaviour
{
    /// <summary>The body every path answers by default.</summary>
    public const string DefaultBody = "<html><body>ok</body></html>";

    /// <summary>The status code (default 200).</summary>
    public int Status { get; init; } = 200;

    /// <summary>The body text, encoded with <see cref="Charset"/> (UTF-8 when null); ignored when <see cref="BodyBytes"/> is set.</summary>
    public string Body { get; init; } = DefaultBody;

    /// <summary>Raw body bytes, sent as they are.</summary>
    public byte[]? BodyBytes { get; init; }

    /// <summary>The media type of the <c>Content-Type</c> header (default <c>text/html</c>); null sends no header.</summary>
    public string? ContentType { get; init; } = "text/html";

    /// <summary>The <c>charset</c> parameter of the <c>Content-Type</c> header (default <c>utf-8</c>); null omits it.</summary>
    public string? Charset { get; init; } = "utf-8";

    /// <summary>How long to wait before sending the headers.</summary>
    public TimeSpan Delay { get; init; }

    /// <summary>Never answer (until the server is disposed or the client gives up).</summary>
    public bool Hang { get; init; }

    /// <summary>When set, the answer waits until this task completes (the test decides when a request is answered).</summary>
    public Task? Release { get; init; }

    /// <summary>Drop the connection without an answer.</summary>
    public bool Drop { get; init; }

    /// <summary>Redirect (with <see cref="Status"/> if it is a 3xx, else 302) to this path or URL.</summary>
    public string? RedirectTo { get; init; }

    /// <summary>
    /// When positive, the body is sent one byte at a time with this pause before each byte (a slow drip that keeps
    /// the connection busy).
    /// </summary>
    public TimeSpan DripInterval { get; init; }

    /// <summary>
    /// When positive, this many filler bytes (<c>x</c>) follow the body, streamed in chunks without ever being held in
    /// memory at once; <c>Content-Length</c> announces the whole size.
    /// </summary>
    public long StreamFillerBytes { get; init; }

    /// <summary>
    /// When set, <c>Content-Length</c> announces the whole body but only this many bytes of it are sent before the
    /// connection is reset.
    /// </summary>
    public int? ResetAfterBytes { get; init; }

    /// <summary>Extra response headers.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>This answer, held until <paramref name="release"/> completes.</summary>
    public TargetBehaviour HeldUntil(Task release) => this with { Release = release };

    /// <summary>200 with the default page.</summary>
    public static TargetBehaviour Ok() => new();

    /// <summary>The given status with the default page.</summary>
    public static TargetBehaviour WithStatus(int status) => new() { Status = status };

    /// <summary>200 with the given body.</summary>
    public static TargetBehaviour WithBody(string body, string contentType = "text/html", string? charset = "utf-8") =>
        new() { Body = body, ContentType = contentType, Charset = charset };

    /// <summary>200 after waiting <paramref name="delay"/> before the headers.</summary>
    public static TargetBehaviour Delayed(TimeSpan delay) => new() { Delay = delay };

    /// <summary>Never answers.</summary>
    public static TargetBehaviour Hanging() => new() { Hang = true };

    /// <summary>Drops the connection.</summary>
    public static TargetBehaviour Dropping() => new() { Drop = true };

    /// <summary>302 to <paramref name="location"/>.</summary>
    public static TargetBehaviour Redirect(string location, int status = 302) => new() { RedirectTo = location, Status = status };

    /// <summary>200 whose body arrives one byte per <paramref name="interval"/>.</summary>
    public static TargetBehaviour Dripping(string body, TimeSpan interval) => new() { Body = body, DripInterval = interval };

    /// <summary>200 with <paramref name="prefix"/> followed by <paramref name="fillerBytes"/> streamed filler bytes.</summary>
    public static TargetBehaviour Huge(string prefix, long fillerBytes) =>
        new() { Body = prefix, StreamFillerBytes = fillerBytes, ContentType = "text/plain" };

    /// <summary>200 announcing <paramref name="body"/> but resetting the connection after <paramref name="bytes"/> bytes of it.</summary>
    public static TargetBehaviour ResetMidBody(string body, int bytes) => new() { Body = body, ResetAfterBytes = bytes };
}

/// <summary>One request the <see cref="TargetServer"/> received.</summary>
/// <param name="Time">Arrival time (system clock, UTC).</param>
/// <param name="Method">The HTTP method.</param>
/// <param name="Path">The request path.</param>
/// <param name="QueryString">The raw query string with its <c>?</c>, or empty.</param>
/// <param name="Headers">Request headers (case-insensitive names).</param>
public sealed record TargetHit(
    DateTimeOffset Time, string Method, string Path, string QueryString, IReadOnlyDictionary<string, string> Headers);

/// <summary>
/// A scripted HTTP target on 127.0.0.1 for probe and end-to-end tests: each path answers as set with
/// <see cref="Set"/> (default: 200 with <see cref="TargetBehaviour.DefaultBody"/>), and every hit is logged. Thread-safe.
/// </summary>
public sealed class TargetServer : IAsyncDisposable
{
    private readonly object gate = new();
    private readonly Dictionary<string, TargetBehaviour> behaviours = new(StringComparer.Ordinal);
    private readonly List<TargetHit> hits = [];
    private readonly CancellationTokenSource stopping = new();
    private WebApplication? app;

    private TargetServer()
    {
    }

    /// <summary>Starts a target on an ephemeral 127.0.0.1 port.</summary>
    public static Task<TargetServer> StartAsync() => StartAsync(null);

    /// <summary>
    /// Starts a target on an ephemeral 127.0.0.1 port that speaks HTTPS with <paramref name="certificate"/> (which must
    /// carry its private key); null starts a plain HTTP target.
    /// </summary>
    public static async Task<TargetServer> StartAsync(X509Certificate2? certificate)
    {
        var server = new TargetServer();
        var (app, root) = await LoopbackHost.StartAsync(server.HandleAsync, certificate);
        server.app = app;
        server.Root = root.GetLeftPart(UriPartial.Authority);
        return server;
    }

    /// <summary>The server root, <c>http://127.0.0.1:{port}</c>.</summary>
    public string Root { get; private set; } = "";

    /// <summary>The port the target listens on.</summary>
    public int Port => new Uri(Root).Port;

    /// <summary>The absolute URL of <paramref name="path"/> (a leading <c>/</c> is added if missing).</summary>
    public string Url(string path) => Root + (path.StartsWith('/') ? path : "/" + path);

    /// <summary>Sets how <paramref name="path"/> answers from now on.</summary>
    public void Set(string path, TargetBehaviour behaviour)
    {
        lock (gate)
            behaviours[Normalise(path)] = behaviour;
    }

    /// <summary>Restores the default answer of <paramref name="path"/>.</summary>
    public void Reset(string path)
    {
        lock (gate)
            behaviours.Remove(Normalise(path));
    }

    /// <summary>How many requests reached <paramref name="path"/>.</summary>
    public int Hits(string path)
    {
        lock (gate)
            return hits.Count(h => h.Path == Normalise(path));
    }

    /// <summary>The requests that reached <paramref name="path"/>, oldest first.</summary>
    public IReadOnlyList<TargetHit> HitLog(string path)
    {
        lock (gate)
            return [.. hits.Where(h => h.Path == Normalise(path))];
    }

    /// <summary>Every request received, oldest first.</summary>
    public IReadOnlyList<TargetHit> AllHits
    {
        get
        {
            lock (gate)
                return [.. hits];
        }
    }

    /// <summary>Releases hanging requests and stops the server.</summary>
    public async ValueTask DisposeAsync()
    {
        if (app is { } running)
        {
            app = null;
            await stopping.CancelAsync();
            await LoopbackHost.StopAsync(running);
        }

        stopping.Dispose();
    }

    private static string Normalise(string path) => path.StartsWith('/') ? path : "/" + path;

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var path = request.Path.Value ?? "/";
        TargetBehaviour behaviour;
        lock (gate)
        {
            hits.Add(new TargetHit(
                DateTimeOffset.UtcNow,
                request.Method,
                path,
                request.QueryString.Value ?? "",
                request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase)));
            behaviour = behaviours.GetValueOrDefault(path) ?? TargetBehaviour.Ok();
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping.Token);
        try
        {
            if (behaviour.Hang)
                await Task.Delay(Timeout.Infinite, linked.Token);
            if (behaviour.Release is { } release)
                await release.WaitAsync(linked.Token);
            if (behaviour.Delay > TimeSpan.Zero)
                await Task.Delay(behaviour.Delay, linked.Token);
        }
        catch (OperationCanceledException)
        {
            context.Abort();
            return;
        }

        if (behaviour.Drop)
        {
            context.Abort();
            return;
        }

        var response = context.Response;
        foreach (var (name, value) in behaviour.Headers)
            response.Headers[name] = value;
        if (behaviour.RedirectTo is { } location)
        {
            response.StatusCode = behaviour.Status is >= 300 and < 400 ? behaviour.Status : 302;
            response.Headers.Location = location;
            return;
        }

        response.StatusCode = behaviour.Status;
        if (behaviour.ContentType is { } type)
            response.ContentType = behaviour.Charset is { } charset ? $"{type}; charset={charset}" : type;
        var bytes = behaviour.BodyBytes ?? Encode(behaviour.Body, behaviour.Charset);
        if (HttpMethods.IsHead(request.Method))
            return;
        try
        {
            await WriteBodyAsync(context, behaviour, bytes, linked.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            // The client went away (or gave up) mid-body.
            context.Abort();
        }
    }

    private static async Task WriteBodyAsync(HttpContext context, TargetBehaviour behaviour, byte[] bytes, CancellationToken ct)
    {
        var response = context.Response;
        if (behaviour.ResetAfterBytes is { } sent)
        {
            response.ContentLength = bytes.Length;
            await response.Body.WriteAsync(bytes.AsMemory(0, Math.Min(sent, bytes.Length)), ct);
            await response.Body.FlushAsync(ct);
            // Let the client read what was sent: a reset can make the kernel discard data not yet read.
            await Task.Delay(TimeSpan.FromMilliseconds(200), ct);
            context.Abort();
            return;
        }
        if (behaviour.DripInterval > TimeSpan.Zero)
        {
            response.ContentLength = bytes.Length;
            for (var i = 0; i < bytes.Length; i++)
            {
                await Task.Delay(behaviour.DripInterval, ct);
                await response.Body.WriteAsync(bytes.AsMemory(i, 1), ct);
                await response.Body.FlushAsync(ct);
            }
            return;
        }
        if (behaviour.StreamFillerBytes > 0)
        {
            response.ContentLength = bytes.Length + behaviour.StreamFillerBytes;
            await response.Body.WriteAsync(bytes, ct);
            var chunk = new byte[64 * 1024];
            Array.Fill(chunk, (byte)'x');
            for (var left = behaviour.StreamFillerBytes; left > 0; left -= chunk.Length)
                await response.Body.WriteAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, left)), ct);
            return;
        }
        await response.Body.WriteAsync(bytes, ct);
    }

    private static byte[] Encode(string body, string? charset)
    {
        try
        {
            return (charset is null ? Encoding.UTF8 : Encoding.GetEncoding(charset)).GetBytes(body);
        }
        catch (ArgumentException)
        {
            return Encoding.UTF8.GetBytes(body);
        }
    }
}
