using Microsoft.Extensions.Hosting;

namespace CachetMonitor.Host.Scheduling;

/// <summary>Re-applies the quiet times every second, so a window opens and closes within a second of its time.</summary>
public sealed class QuietTimesService(QuietTimes quiet, TimeProvider time) : BackgroundService
{
    public static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Tick, time);
        try
        {
            do
            {
                quiet.Apply();
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
