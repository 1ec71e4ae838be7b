using System.Net.Http.Json;
using System.Threading.Channels;
using CachetMonitor.Domain;
using CachetMonitor.Host.Probing;
using Microsoft.Extensions.Logging;

namespace CachetMonitor.Host.Webhooks;

/// <summary>
/// Fires the configured webhooks for incident events, off the probe path. A failing webhook is logged and
/// never affects monitoring; each event is sent once (no retries, as a notification must not repeat).
/// </summary>
public sealed class WebhookSender : IAsyncDisposable
{
    private readonly Channel<(string Endpoint, WebhookNotice Notice)> _queue =
        Channel.CreateBounded<(string, WebhookNotice)>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest });
    private volatile IReadOnlyList<Webhook> _webhooks;
    private readonly HttpClient _http;
    private readonly ILogger _logger;
    private readonly Task _worker;

    public WebhookSender(IReadOnlyList<Webhook> webhooks, HttpClient http, ILogger<WebhookSender> logger)
    {
        _webhooks = webhooks;
        _http = http;
        _logger = logger;
        _worker = Task.Run(RunAsync);
    }

    /// <summary>Replaces the webhooks (hot reload); events already queued go to the new list.</summary>
    public void Update(IReadOnlyList<Webhook> webhooks) => _webhooks = webhooks;

    /// <summary>Queues the webhooks of one incident event.</summary>
    public void Notify(string endpointName, WebhookNotice notice)
    {
        if (_webhooks.Count > 0)
        {
            _queue.Writer.TryWrite((endpointName, notice));
        }
    }

    private async Task RunAsync()
    {
        await foreach (var (endpoint, notice) in _queue.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            var webhooks = _webhooks;
            for (var i = 0; i < webhooks.Count; i++)
            {
                await SendAsync(webhooks[i], i, endpoint, notice).ConfigureAwait(false);
            }
        }
    }

    private async Task SendAsync(Webhook webhook, int index, string endpoint, WebhookNotice notice)
    {
        var request = WebhookRequestModule.render(webhook, notice);
        try
        {
            var url = WebhookRequestModule.buildUrl(request);
            using var message = new HttpRequestMessage(HttpMethod.Post, UrlCredentials.strip(url));
            if (BasicAuth.For(url, []) is { } authorization)
            {
                message.Headers.TryAddWithoutValidation("Authorization", authorization);
            }
            if (request.JsonBody is { } json)
            {
                message.Content = JsonContent.Create(json.Value.ToDictionary(p => p.Item1, p => p.Item2));
            }
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            using var response = await _http.SendAsync(message, timeout.Token).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                _logger.LogInformation("Webhook {Index} notified ({Event}) for {Endpoint}", index, IncidentEventModule.name(notice.Event), endpoint);
            }
            else
            {
                _logger.LogWarning("Webhook {Index} answered {Status} ({Event}) for {Endpoint}", index, (int)response.StatusCode, IncidentEventModule.name(notice.Event), endpoint);
            }
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or InvalidOperationException or UriFormatException)
        {
            _logger.LogWarning("Webhook {Index} failed ({Event}) for {Endpoint}: {Error}", index, IncidentEventModule.name(notice.Event), endpoint, e.Message);
        }
    }

    /// <summary>Sends what is queued (bounded by a few seconds), then stops.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await Task.WhenAny(_worker, Task.Delay(TimeSpan.FromSeconds(5))).ConfigureAwait(false);
    }
}
