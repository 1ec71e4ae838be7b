using System.Globalization;
using System.Text.Json;
using CachetMonitor.Domain;
using CachetMonitor.Host.Configuration;
using CachetMonitor.Host.Probing;
using CachetMonitor.Host.Secrets;
using Microsoft.Extensions.Logging.Abstractions;

namespace CachetMonitor.Host.Cli;

/// <summary>
/// <c>check</c>: probes every endpoint once and prints a table (or JSON); never calls Cachet. Endpoints in a
/// maintenance window now are marked with the window and when it closes (their verdict is shown as it is).
/// </summary>
public static class CheckCommand
{
    /// <param name="IncidentMessage">The message an incident would carry (<c>incident_*_message</c> rendered), null when the check passed.</param>
    internal sealed record Row(string Endpoint, string Url, int? HttpStatus, double? LatencySeconds, string Verdict, string Message, string? IncidentMessage = null)
    {
        /// <summary>The open maintenance windows covering the endpoint (<c>name until time</c>), or null.</summary>
        public string? Maintenance { get; init; }

        /// <summary>What a non-HTTP check saw (certificate, DNS answers, banner); null when there is nothing to add.</summary>
        public string? Detail { get; init; }

        /// <summary>The number the endpoint's <c>metric_value</c> read (pushed instead of the latency); null when none was.</summary>
        public double? MetricValue { get; init; }

        /// <summary>Why the <c>metric_value</c> read no number (no point would be pushed); null when it did or there is none.</summary>
        public string? MetricValueError { get; init; }
    }

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
        using var http = new HttpProber(new ProbeOptions());
        using var prober = new Probers(http);
        await ProbeWarmUp.RunAsync(http, endpoints, NullLogger.Instance, CancellationToken.None);
        using var slots = new SemaphoreSlim(64);
        var rows = await Task.WhenAll(endpoints.Select(async endpoint =>
        {
            await slots.WaitAsync();
            try
            {
                var row = ToRow(endpoint, await prober.ProbeAsync(endpoint, CancellationToken.None)) with
                {
                    Maintenance = InMaintenance(loaded.Config!.Maintenance, endpoint.Name),
                };
                return Redact(row, redactor);
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

    private static string? InMaintenance(Microsoft.FSharp.Collections.FSharpList<MaintenanceWindow> windows, string endpoint)
    {
        var open = HostInterop.OpenWindows(windows, DateTimeOffset.UtcNow, endpoint);
        return open.Count == 0
            ? null
            : string.Join(", ", open.Select(w => $"{w.Key} until {w.Value.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)}Z"));
    }

    private static Row Redact(Row row, SecretRedactor redactor) =>
        row with
        {
            Url = redactor.Redact(row.Url),
            Message = redactor.Redact(row.Message),
            Endpoint = redactor.Redact(row.Endpoint),
            IncidentMessage = row.IncidentMessage is { } message ? redactor.Redact(message) : null,
            Detail = row.Detail is null ? null : redactor.Redact(row.Detail),
            MetricValueError = row.MetricValueError is { } error ? redactor.Redact(error) : null,
        };

    private static Row ToRow(Endpoint endpoint, Observation observation)
    {
        var reading = HostInterop.ReadMetricValue(endpoint, observation);
        var value = reading.Value is { } number ? (double?)number : null;
        // What the metric_value read belongs with what the check saw.
        string? read = value is { } v
            ? $"metric value {v.ToString("R", CultureInfo.InvariantCulture)}"
            : reading.Error is { } error ? $"no metric value: {error}" : null;
        var detail = Detail(observation);
        return Verdict(endpoint, observation) with
        {
            Detail = read is null ? detail : detail is null ? read : $"{detail}; {read}",
            MetricValue = value,
            MetricValueError = reading.Error,
        };
    }

    /// <summary>The certificate, DNS answer or banner a check saw, on one line.</summary>
    private static string? Detail(Observation observation)
    {
        if (observation is not Observation.Responded { Item: var response })
        {
            return null;
        }
        var parts = new List<string>();
        if (response.Certificate?.Value is { } certificate)
        {
            var days = CertificateModule.daysLeft(certificate).ToString("0.#", CultureInfo.InvariantCulture);
            parts.Add($"certificate {certificate.Subject} expires {certificate.NotAfter.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC ({days} days)");
        }
        if (response.Dns?.Value is { } dns)
        {
            var answers = string.Join(", ", dns.Records.Select(r => $"{r.Type} {r.Data}"));
            parts.Add($"{dns.ResponseCode} {dns.Name}{(answers.Length > 0 ? ": " + answers : "")}");
        }
        if (response.StatusCode is null && response.Body.Length > 0)
        {
            parts.Add($"received \"{response.Body.ReplaceLineEndings(" ").Trim()}\"");
        }
        return parts.Count > 0 ? string.Join("; ", parts) : null;
    }

    private static Row Verdict(Endpoint endpoint, Observation observation)
    {
        var verdict = HostInterop.Evaluate(endpoint, observation);
        var status = observation is Observation.Responded responded && responded.Item.StatusCode is { } code ? code.Value : (int?)null;
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
                    : failed.Item.Message,
                IncidentMessage.ofFailure(endpoint, failed.Item)),
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
            r.Maintenance is { } window ? $"{r.Verdict} [maintenance: {window}]" : r.Verdict,
            // A passing non-HTTP check shows what it saw (certificate, answers, banner).
            r.Message.Length == 0 && r.Detail is { } detail ? detail : r.Message,
        }).ToList();
        var widths = Enumerable.Range(0, header.Length - 1)
            .Select(i => cells.Select(c => c[i].Length).Append(header[i].Length).Max())
            .ToArray();
        void Line(string[] values) =>
            stdout.WriteLine(string.Join("  ", values.Select((v, i) => i < widths.Length ? v.PadRight(widths[i]) : v)).TrimEnd());
        Line(header);
        cells.ForEach(Line);
        var passed = rows.Count(r => r.Verdict == "pass");
        var quiet = rows.Count(r => r.Maintenance is not null);
        stdout.WriteLine(quiet == 0
            ? $"{passed} of {rows.Count} endpoint(s) passed"
            : $"{passed} of {rows.Count} endpoint(s) passed; {quiet} in a maintenance window");
    }
}
