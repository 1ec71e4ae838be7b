namespace CachetMonitor.Host.Cachet;

/// <summary>An incident write waiting to be acknowledged by Cachet, in the order the core decided it.</summary>
public abstract record PendingIncidentWrite
{
    /// <summary>Set once an attempt may have reached Cachet, so a retried create first looks for what it made.</summary>
    public bool Attempted { get; set; }

    public sealed record Open(string Title, string Message, int ComponentStatus, bool Visible) : PendingIncidentWrite;

    public sealed record Update(int? IncidentId, string Title, string Message, int ComponentStatus, bool Visible) : PendingIncidentWrite;

    public sealed record Resolve(int? IncidentId, string Title, bool Visible) : PendingIncidentWrite;
}

/// <summary>A latency point waiting to be pushed.</summary>
public readonly record struct PendingMetricPoint(double Value, long UnixSeconds);
