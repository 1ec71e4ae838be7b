namespace CachetMonitor.Host.Cli;

/// <summary>The command line, parsed: a command, its positional arguments and its options.</summary>
public sealed record CliArguments(
    string Command,
    IReadOnlyList<string> Positionals,
    bool DryRun,
    bool Json,
    bool Force,
    string LogLevel,
    string LogFormat)
{
    /// <summary>Where the health and metrics listener binds (<c>--listen ADDR:PORT</c>); null when off.</summary>
    public System.Net.IPEndPoint? Listen { get; init; }

    /// <summary>The shard this replica monitors (<c>--shard I/N</c>); null when not given.</summary>
    public CachetMonitor.Domain.Shard? Shard { get; init; }

    /// <summary>The shard count of <c>--shard-from-hostname N</c>; null when not given.</summary>
    public int? ShardsFromHostname { get; init; }

    public static readonly string[] Commands = ["run", "check", "validate", "generate", "health", "schema", "help", "version"];

    /// <summary>Parses the arguments, or says what is wrong with them.</summary>
    public static (CliArguments? Arguments, string? Error) Parse(IReadOnlyList<string> args)
    {
        var positionals = new List<string>();
        bool dryRun = false, json = false, force = false;
        var logLevel = "Information";
        var logFormat = "text";
        CachetMonitor.Domain.Shard? shard = null;
        int? shardsFromHostname = null;
        System.Net.IPEndPoint? listen = null;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            switch (arg)
            {
                case "--dry-run":
                    dryRun = true;
                    break;
                case "--json":
                    json = true;
                    break;
                case "--force":
                    force = true;
                    break;
                case "-h" or "--help":
                    return (new CliArguments("help", [], false, false, false, logLevel, logFormat), null);
                case "--version":
                    return (new CliArguments("version", [], false, false, false, logLevel, logFormat), null);
                case "--shard":
                    var parsedShard = CachetMonitor.Domain.HostInterop.ParseShard(i + 1 < args.Count ? args[++i] : "");
                    if (!parsedShard.IsValid)
                    {
                        return (null, $"--shard: {parsedShard.Error}");
                    }
                    shard = parsedShard.Shard;
                    break;
                case "--shard-from-hostname":
                    if (i + 1 >= args.Count || !int.TryParse(args[++i], System.Globalization.NumberStyles.None, null, out var count) || count < 1)
                    {
                        return (null, "--shard-from-hostname needs the shard count N (a whole number, at least 1)");
                    }
                    shardsFromHostname = count;
                    break;
                case "--listen":
                    if (i + 1 >= args.Count || !System.Net.IPEndPoint.TryParse(args[++i], out var endpoint) || endpoint.Port == 0)
                    {
                        return (null, "--listen needs ADDR:PORT, e.g. 127.0.0.1:9090 or [::1]:9090");
                    }
                    listen = endpoint;
                    break;
                case "--log-level" or "--log-format":
                    if (i + 1 >= args.Count)
                    {
                        return (null, $"{arg} needs a value");
                    }
                    var value = args[++i];
                    if (arg == "--log-level")
                    {
                        if (!Enum.TryParse<Microsoft.Extensions.Logging.LogLevel>(value, ignoreCase: true, out _))
                        {
                            return (null, $"--log-level: unknown level \"{value}\" (Trace, Debug, Information, Warning, Error, Critical, None)");
                        }
                        logLevel = value;
                    }
                    else
                    {
                        if (value is not ("text" or "json"))
                        {
                            return (null, $"--log-format: unknown format \"{value}\" (text, json)");
                        }
                        logFormat = value;
                    }
                    break;
                default:
                    if (arg.StartsWith("--", StringComparison.Ordinal))
                    {
                        return (null, $"unknown option {arg}");
                    }
                    positionals.Add(arg);
                    break;
            }
        }

        // The original's invocation is `cachet-monitor config.yml`: a first word that is no command is the config path.
        var command = positionals.Count > 0 && Commands.Contains(positionals[0]) ? positionals[0] : "run";
        if (positionals.Count > 0 && positionals[0] == command)
        {
            positionals.RemoveAt(0);
        }
        var parsed = new CliArguments(command, positionals, dryRun, json, force, logLevel, logFormat)
        {
            Listen = listen,
            Shard = shard,
            ShardsFromHostname = shardsFromHostname,
        };
        return parsed.CheckShape();
    }

    private (CliArguments?, string?) CheckShape()
    {
        var (min, max) = Command switch
        {
            "generate" => (3, 3),
            "help" or "version" or "schema" => (0, 0),
            _ => (0, 1),
        };
        if (Positionals.Count < min || Positionals.Count > max)
        {
            return (null, $"{Command}: expected {(min == max ? min.ToString() : $"at most {max}")} argument(s), got {Positionals.Count}");
        }
        if (DryRun && Command != "run")
        {
            return (null, "--dry-run applies to run only");
        }
        if ((Shard is not null || ShardsFromHostname is not null) && Command != "run")
        {
            return (null, "--shard and --shard-from-hostname apply to run only");
        }
        if (Shard is not null && ShardsFromHostname is not null)
        {
            return (null, "--shard and --shard-from-hostname exclude each other");
        }
        if (Listen is not null && Command != "run")
        {
            return (null, "--listen applies to run only");
        }
        if (Json && Command != "check")
        {
            return (null, "--json applies to check only");
        }
        if (Force && Command != "generate")
        {
            return (null, "--force applies to generate only");
        }
        return (this, null);
    }

    /// <summary>The config path: the argument, else $CACHET_MONITOR_CONFIG, else config/config.yml.</summary>
    public string ConfigPath(Func<string, string?> environment) =>
        Positionals.Count > 0 ? Positionals[0]
        : environment("CACHET_MONITOR_CONFIG") is { Length: > 0 } fromEnv ? fromEnv
        : Path.Combine("config", "config.yml");
}
