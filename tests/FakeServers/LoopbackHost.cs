using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace CachetMonitor.FakeServers;

/// <summary>Starts a quiet Kestrel application on 127.0.0.1 with an ephemeral port.</summary>
internal static class LoopbackHost
{
    /// <summary>
    /// Starts <paramref name="handler"/> as the whole pipeline (over HTTPS with <paramref name="certificate"/> when
    /// given); returns the app and its root URI.
    /// </summary>
    public static async Task<(WebApplication App, Uri Root)> StartAsync(RequestDelegate handler, X509Certificate2? certificate = null)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(options =>
        {
            options.AddServerHeader = false;
            options.Listen(IPAddress.Loopback, 0, listen =>
            {
                if (certificate is not null)
                    listen.UseHttps(certificate);
            });
        });
        var app = builder.Build();
        app.Run(handler);
        await app.StartAsync();
        var addresses = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>();
        return (app, new Uri(addresses.Addresses.First()));
    }

    /// <summary>Stops the app (giving in-flight requests at most a second) and disposes it.</summary>
    public static async Task StopAsync(WebApplication app)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        try
        {
            await app.StopAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            // In-flight requests were abandoned; disposing closes their connections.
        }

        await app.DisposeAsync();
    }
}
