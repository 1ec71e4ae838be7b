using CachetMonitor.Domain;
using CachetMonitor.Host.Cachet.Api;
using CachetMonitor.Host.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace CachetMonitor.Host.Cli;

/// <summary>
/// <c>generate</c>: writes a config with one endpoint per enabled Cachet component (all pages), from Cachet 2.x or 3.x:
/// the version is detected as <c>cachet.api_version: auto</c> does, and the config names the API base that answered.
/// </summary>
public static class GenerateCommand
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public static async Task<int> RunAsync(string apiUrl, string token, string output, bool force, TextWriter stdout, TextWriter stderr)
    {
        if (File.Exists(output) && !force)
        {
            stderr.WriteLine($"generate: {output} exists; pass --force to overwrite it");
            return ExitCodes.BadArguments;
        }
        // As the config's api_url: http:// when there is no scheme.
        apiUrl = apiUrl.Contains("://", StringComparison.Ordinal) ? apiUrl : "http://" + apiUrl;
        if (!Uri.TryCreate(apiUrl, UriKind.Absolute, out var parsed) || parsed.Scheme is not ("http" or "https"))
        {
            stderr.WriteLine($"generate: \"{apiUrl}\" is not an http(s) URL");
            return ExitCodes.BadArguments;
        }

        var components = new List<GeneratedComponent>();
        using var httpClients = MonitorHttpClients.Standalone();
        var http = httpClients.GetRequiredService<IHttpClientFactory>().CreateClient(MonitorHttpClients.Cachet);
        string apiBase;
        try
        {
            var detected = await new CachetVersionDetection(http, token).DetectAsync(apiUrl, CachetApiVersion.DetectVersion, CancellationToken.None);
            apiBase = detected.BaseUrl;
            stdout.WriteLine($"found {detected.Description} at {apiBase}");
            await foreach (var component in detected.Client.ListComponentsAsync(CancellationToken.None))
            {
                if (component.Enabled)
                {
                    components.Add(new GeneratedComponent(component.Id.Value, component.Name, component.Link ?? ""));
                }
            }
        }
        catch (CachetApiException e)
        {
            stderr.WriteLine($"generate: {e.Message}");
            return ExitCodes.Failure;
        }

        var yaml = HostInterop.GenerateConfig(apiBase, token, components);
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = OwnerOnly;
            }
            await using (var stream = new FileStream(output, options))
            await using (var writer = new StreamWriter(stream))
            {
                await writer.WriteAsync(yaml);
            }
            if (!OperatingSystem.IsWindows())
            {
                // An existing file keeps its mode on overwrite: the token inside must stay private.
                File.SetUnixFileMode(output, OwnerOnly);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"generate: cannot write {output}: {e.Message}");
            return ExitCodes.Failure;
        }
        var unlinked = components.Count(c => string.IsNullOrWhiteSpace(c.Link));
        var note = unlinked > 0 ? $"; {ValidateCommand.Plural(unlinked, "component")} without a link written commented out" : "";
        stdout.WriteLine($"wrote {output}: {ValidateCommand.Plural(components.Count - unlinked, "endpoint")}{note} (readable by its owner only)");
        return ExitCodes.Ok;
    }
}
