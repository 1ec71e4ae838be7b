using CachetMonitor.Host.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace CachetMonitor.Host.Cli;

/// <summary>
/// <c>health [URL]</c>: asks a running daemon's listener whether it is healthy, so a container health check
/// needs no shell or curl. Exit 0 on HTTP 200, else 1.
/// </summary>
public static class HealthCommand
{
    /// <summary>Where the daemon's <c>--listen</c> address serves its health, as the Docker image runs it.</summary>
    public const string DefaultUrl = "http://127.0.0.1:9090/healthz";

    public static async Task<int> RunAsync(string? url, TextWriter stdout, TextWriter stderr)
    {
        var target = url ?? DefaultUrl;
        if (!Uri.TryCreate(target, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            stderr.WriteLine($"health: \"{target}\" is not an http(s) URL");
            return ExitCodes.BadArguments;
        }
        using var httpClients = MonitorHttpClients.Standalone();
        var http = httpClients.GetRequiredService<IHttpClientFactory>().CreateClient(MonitorHttpClients.Health);
        try
        {
            using var response = await http.GetAsync(uri);
            var body = (await response.Content.ReadAsStringAsync()).Trim();
            var code = (int)response.StatusCode;
            if (code == 200)
            {
                stdout.WriteLine($"{target}: {code} {body}");
                return ExitCodes.Ok;
            }
            stderr.WriteLine($"{target}: {code} {body}");
            return ExitCodes.Failure;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            stderr.WriteLine($"{target}: unreachable ({e.Message})");
            return ExitCodes.Failure;
        }
    }
}
