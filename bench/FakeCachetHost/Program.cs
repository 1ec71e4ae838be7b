using System.Runtime.InteropServices;
using System.Text.Json;
using CachetMonitor.FakeServers;

namespace CachetMonitor.Bench;

/// <summary>
/// The benchmark's Cachet: the test suite's fake Cachet as a process. It seeds N components and one API token
/// (read from the environment variable <c>BENCH_CACHET_TOKEN</c>), prints its API URL on the first line of stdout,
/// writes a JSON report of the writes it received on SIGHUP, and runs until SIGTERM or SIGINT.
/// </summary>
public static class Program
{
    /// <summary>Usage: <c>fake-cachet-host COMPONENTS REPORT.json</c>.</summary>
    public static async Task<int> Main(string[] args)
    {
        if (args.Length != 2 || !int.TryParse(args[0], out var count) || count < 1)
        {
            await Console.Error.WriteLineAsync("usage: fake-cachet-host COMPONENTS REPORT.json");
            return 2;
        }
        if (Environment.GetEnvironmentVariable("BENCH_CACHET_TOKEN") is not { Length: > 0 } token)
        {
            await Console.Error.WriteLineAsync("fake-cachet-host: BENCH_CACHET_TOKEN is not set");
            return 2;
        }
        var reportPath = args[1];

        await using var fake = await FakeCachet.StartAsync();
        fake.AddToken(token);
        for (var i = 1; i <= count; i++)
        {
            fake.AddComponent($"bench-{i}");
        }

        using var stop = new CancellationTokenSource();
        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.Cancel();
        }
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var hangUp = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            context.Cancel = true;
            WriteReport(fake, reportPath);
        });

        Console.WriteLine(fake.BaseUrl);
        Console.Out.Flush();
        try
        {
            await Task.Delay(Timeout.Infinite, stop.Token);
        }
        catch (OperationCanceledException)
        {
        }
        return 0;
    }

    /// <summary>Per component: its status, its incidents and how many status writes (PUT) it received.</summary>
    private static void WriteReport(FakeCachet fake, string path)
    {
        var requests = fake.Requests;
        var puts = requests
            .Where(r => r.Method == "PUT" && r.Path.StartsWith("/api/v1/components/", StringComparison.Ordinal))
            .GroupBy(r => r.Path)
            .ToDictionary(g => g.Key, g => g.Count());
        var incidents = fake.Incidents.ToLookup(i => i.ComponentId);
        var components = fake.Components.Select(c => new
        {
            id = c.Id,
            status = c.Status,
            statusWrites = puts.GetValueOrDefault($"/api/v1/components/{c.Id}"),
            incidents = incidents[c.Id].Select(i => new { id = i.Id, status = i.Status, updates = i.Updates.Count }).ToArray(),
        });
        var report = new
        {
            requests = requests.Count,
            reads = requests.Count(r => r.Method == "GET"),
            writes = requests.Count(r => r.Method != "GET"),
            components,
        };
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(report));
        File.Move(temporary, path, overwrite: true);
    }
}
