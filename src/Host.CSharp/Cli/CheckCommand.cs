using System.Globalization;
using System.Text.Json;
using CachetMonitor.Domain;
using CachetMonitor.Host.Configuration;
using CachetMonitor.Host.Observability;
using CachetMonitor.Host.Probing;
using Microsoft.Extensions.Logging.Abstractions;

namespace CachetMonitor.Host.Cli;

/// <summary><c>check</c>: probes every endpoint once and prints a table (or JSON); never calls Cachet.</summary>
public static class CheckCommand
{
    internal sealed record Row(string Endpoint, string Url, int? HttpStatus, double? LatencySeconds, string Verdict, string Message);

    public static async Task<int> RunAsync(string path, bool json, Func<string, string?> environment, TextWriter stdout, TextWriter stderr)
    {
        var loaded = ConfigLoader.Load(path, environment);
        if (ValidateCommand.ReportInvalid(path, loaded, stderr))
        {
            return ExitCodes.BadArguments;
        }
        var endpoints = loaded.Config!.Endpoints.ToList();
        // A URL or message may carry a value taken from ${VAR}: mask those like the daemon's logs do.
        var redactor = new SecretRedactor();
        redactor.Add(loaded.Masked);
        using var prober = new HttpProber(new ProbeOptions());
        await ProbeWarmUp.RunAsync(prober, endpoints, NullLogger.Instance, CancellationToken.None);
        using var slots = new SemaphoreSlim(64);
        var rows = await Task.WhenAll(endpoints.Select(async endpoint =>
        {
            await slots.WaitAsync();
            try
            {
                return Redact(ToRow(endpoint, await prober.ProbeAsync(endpoint, CancellationToken.None)), redactor);
            }
            finally
            {
                slots.Release();
            }
        }));

        if (json)
        {
            stdout.WriteLine(JsonSerializer.Serialize(rows, CheckJson.Default.RowArray));
        }
        else
        {
            PrintTable(rows, stdout);
        }
        return rows.All(r => r.Verdict == "pass") ? ExitCodes.Ok : ExitCodes.Failure;
    }

    private static Row Redact(Row row, SecretRedactor redactor) =>
        row with { Url = redactor.Redact(row.Url), Message = redactor.Redact(row.Message), Endpoint = redactor.Redact(row.Endpoint) };

    private static Row ToRow(Endpoint endpoint, Observation observation)
    {
        var verdict = HostInterop.Evaluate(endpoint, observation);
        var status = observation is Observation.Responded responded ? responded.Item.StatusCode : (int?)null;
        return verdict switch
        {
            Verdict.Passed passed => new Row(endpoint.Name, UrlCredentials.mask(endpoint.Url), status, passed.latencySeconds, "pass", ""),
            Verdict.Failed failed => new Row(
                endpoint.Name,
                UrlCredentials.mask(endpoint.Url),
                status,
                failed.Item.LatencySeconds is { } latency ? latency.Value : null,
                $"fail ({SeverityModule.name(failed.Item.Severity)})",
                // The transport detail is not in the public message; here it helps the person running the check.
                observation is Observation.Unreachable { error: { Length: > 0 } detail }
                    ? $"{failed.Item.Message} ({detail})"
                    : failed.Item.Message),
            _ => throw new InvalidOperationException("unknown verdict"),
        };
    }

    private static void PrintTable(IReadOnlyList<Row> rows, TextWriter stdout)
    {
        string[] header = ["ENDPOINT", "HTTP", "LATENCY", "VERDICT", "MESSAGE"];
        var cells = rows.Select(r => new[]
        {
            r.Endpoint,
            r.HttpStatus?.ToString(CultureInfo.InvariantCulture) ?? "-",
            r.LatencySeconds is { } s ? $"{(s * 1000).ToString("0", CultureInfo.InvariantCulture)} ms" : "-",
            r.Verdict,
            r.Message,
        }).ToList();
        var widths = Enumerable.Range(0, header.Length - 1)
            .Select(i => cells.Select(c => c[i].Length).Append(header[i].Length).Max())
            .ToArray();
        void Line(string[] values) =>
            stdout.WriteLine(string.Join("  ", values.Select((v, i) => i < widths.Length ? v.PadRight(widths[i]) : v)).TrimEnd());
        Line(header);
        cells.ForEach(Line);
        var passed = rows.Count(r => r.Verdict == "pass");
        stdout.WriteLine($"{passed} of {rows.Count} endpoint(s) passed");
    }
}
