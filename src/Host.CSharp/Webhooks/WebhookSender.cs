using System.Net.Http.Json;
using System.Threading.Channels;
using CachetMonitor.Domain;
using CachetMonitor.Host.Probing;
using Microsoft.Extensions.Logging;

namespace CachetMonitor.Host.Webhooks;

/// <summary>
/// Fires the configured webhooks for incident events, off the probe path. Each webhook has a queue and a sender of
/// its own, so one that does not answer (10 s time-out) delays no other; at most <see cref="MaxConcurrentSends"/>
/// requests are in flight at once. A webhook's events go out in order. A failing webhook is logged and never
/// affects monitoring; each event is sent once (no retries, as a notification must not repeat). When a webhook's
/// queue is full the oldest event is dropped: counted (<see cref="Dropped"/>) and logged at most every 10 s.
/// </summary>
public sealed class WebhookSender : IAsyncDisposable
{
    /// <summary>Events a webhook may have waiting before the oldest is dropped.</summary>
    public const int DefaultQueueCapacity = 10_000;

    /// <summary>Webhook requests in flight at once, over all webhooks.</summary>
    public const int MaxConcurrentSends = 16;

    private readonly object _lock = new();
    private readonly HttpClient _http;
    private readonly ILogger _logger;
    private readonly int _capacity;
    private readonly SemaphoreSlim _sends = new(MaxConcurrentSends);
    private readonly List<Task> _workers = [];
    private List<Lane> _lanes = [];
    private long _dropped;
    private long _lastDropLog = Environment.TickCount64 - 10_000;

    public WebhookSender(IReadOnlyList<Webhook> webhooks, HttpClient http, ILogger<WebhookSender> logger, int queueCapacity = DefaultQueueCapacity)
    {
        _http = http;
        _logger = logger;
        _capacity = queueCapacity;
        Update(webhooks);
    }

    /// <summary>Events dropped because a webhook's queue was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>
    /// Replaces the webhooks (hot reload). A webhook kept as it was keeps its queue; a removed one sends what it
    /// has queued and stops.
    /// </summary>
    public void Update(IReadOnlyList<Webhook> webhooks)
    {
        lock (_lock)
        {
            var old = _lanes;
            var next = new List<Lane>(webhooks.Count);
            for (var i = 0; i < webhooks.Count; i++)
            {
                var kept = old.FirstOrDefault(l => l.Webhook.Equals(webhooks[i]) && !next.Contains(l));
                var lane = kept ?? NewLane(webhooks[i]);
                lane.Index = i;
                next.Add(lane);
            }
            foreach (var removed in old.Where(l => !next.Contains(l)))
            {
                removed.Queue.Writer.TryComplete();
            }
            _lanes = next;
        }
    }

    /// <summary>Queues the webhooks of one incident event.</summary>
    public void Notify(string endpointName, WebhookNotice notice)
    {
        List<Lane> lanes;
        lock (_lock)
        {
            lanes = _lanes;
        }
        foreach (var lane in lanes)
        {
            lane.Queue.Writer.TryWrite((endpointName, notice));
        }
    }

    private Lane NewLane(Webhook webhook)
    {
        Lane? lane = null;
        var queue = Channel.CreateBounded<(string, WebhookNotice)>(
            new BoundedChannelOptions(_capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            dropped => OnDropped(lane!, dropped.Item1, dropped.Item2));
        lane = new Lane(webhook, queue);
        _workers.Add(Task.Run(() => RunAsync(lane)));
        return lane;
    }

    private void OnDropped(Lane lane, string endpoint, WebhookNotice notice)
    {
        var total = Interlocked.Increment(ref _dropped);
        var now = Environment.TickCount64;
        var last = Interlocked.Read(ref _lastDropLog);
        if (now - last >= 10_000 && Interlocked.CompareExchange(ref _lastDropLog, now, last) == last)
        {
            _logger.LogWarning(
                "Webhook {Index} is slower than the events: its queue is full ({Capacity}), the oldest event ({Event} for {Endpoint}) was dropped; {Total} dropped in all",
                lane.Index, _capacity, IncidentEventModule.name(notice.Event), endpoint, total);
        }
    }

    private async Task RunAsync(Lane lane)
    {
        await foreach (var (endpoint, notice) in lane.Queue.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            await _sends.WaitAsync().ConfigureAwait(false);
            try
            {
                await SendAsync(lane.Webhook, lane.Index, endpoint, notice).ConfigureAwait(false);
            }
            finally
            {
                _sends.Release();
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
                message.Content = JsonContent.Create(json.Value.ToDictionary(p => p.Item1, p => p.Item2), WebhookJson.Default.DictionaryStringString);
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
        Task[] workers;
        lock (_lock)
        {
            foreach (var lane in _lanes)
            {
                lane.Queue.Writer.TryComplete();
            }
            _lanes = [];
            workers = [.. _workers];
        }
        await Task.WhenAny(Task.WhenAll(workers), Task.Delay(TimeSpan.FromSeconds(5))).ConfigureAwait(false);
    }

    /// <summary>One webhook, its queue, and its place in the current list (for log lines).</summary>
    private sealed class Lane(Webhook webhook, Channel<(string, WebhookNotice)> queue)
    {
        public Webhook Webhook { get; } = webhook;

        public Channel<(string Endpoint, WebhookNotice Notice)> Queue { get; } = queue;

        public int Index { get; set; }
    }
}
