using System.CommandLine;
using System.CommandLine.Parsing;

namespace CachetMonitor.Host.Cli;

/// <summary>
/// The command tree on System.CommandLine: commands, arguments, options and their help texts. Values are read with
/// <see cref="ParseResult.GetValue{T}(Option{T})"/> (no reflection binding, so trimming and Native AOT keep working).
/// </summary>
public static class CommandLineSyntax
{
    public static readonly string[] LogLevels = ["Trace", "Debug", "Information", "Warning", "Error", "Critical", "None"];

    /// <summary>The daemon's config file, on the root (the original's <c>cachet-monitor CONFIG</c>) and on run, check, validate.</summary>
    public static Argument<string?> ConfigArgument()
    {
        var argument = new Argument<string?>("CONFIG")
        {
            Arity = ArgumentArity.ZeroOrOne,
            Description = "The config file; defaults to $CACHET_MONITOR_CONFIG, else config/config.yml.",
        };
        // The parser takes an unknown option for a value; a config path never starts with "--".
        argument.Validators.Add(result =>
        {
            foreach (var token in result.Tokens.Where(t => t.Value.StartsWith("--", StringComparison.Ordinal)))
            {
                result.AddError($"unknown option {token.Value}");
            }
        });
        return argument;
    }

    public static readonly Option<bool> DryRun = new("--dry-run")
    {
        Description = "Probe and decide as usual but only log the Cachet writes it would make.",
    };

    public static readonly Option<System.Net.IPEndPoint?> Listen = new("--listen")
    {
        Description = "Serve /healthz, /readyz and /metrics (Prometheus) on ADDR:PORT, e.g. 127.0.0.1:9090 or [::1]:9090.",
        HelpName = "ADDR:PORT",
        CustomParser = ParseListen,
    };

    public static readonly Option<CachetMonitor.Domain.Shard?> Shard = new("--shard")
    {
        Description = "Monitor only the endpoints whose name hashes to shard I of N (0-based); else $CACHET_MONITOR_SHARD.",
        HelpName = "I/N",
        CustomParser = ParseShard,
    };

    public static readonly Option<int?> ShardFromHostname = new("--shard-from-hostname")
    {
        Description = "Take the shard I of N from the trailing -ORDINAL of $HOSTNAME (a StatefulSet pod).",
        HelpName = "N",
        CustomParser = ParseShardCount,
    };

    public static readonly Option<string> LogLevel = new("--log-level")
    {
        Description = "The least level logged.",
        HelpName = "LEVEL",
        DefaultValueFactory = _ => "Information",
        CustomParser = ParseLogLevel,
        Recursive = true,
    };

    public static readonly Option<string> LogFormat = new("--log-format")
    {
        Description = "Log lines as text or as JSON objects.",
        DefaultValueFactory = _ => "text",
        Recursive = true,
    };

    public static readonly Option<bool> Json = new("--json") { Description = "Print the results as JSON." };

    public static readonly Option<bool> Force = new("--force") { Description = "Overwrite OUTPUT.yml if it exists." };

    /// <summary>Our own <c>--version</c>: the library's prints the informational version, the tool has always printed "cachet-monitor VERSION".</summary>
    public static readonly Option<bool> Version = new("--version") { Description = "Print the version." };

    public static readonly Argument<string> ApiUrl = new("API_URL") { Description = "The Cachet API, e.g. https://status.example.com/api/v1." };

    public static readonly Argument<string> Token = new("TOKEN") { Description = "A Cachet API token that may read components." };

    public static readonly Argument<string> Output = new("OUTPUT.yml") { Description = "The config file to write." };

    public static readonly Argument<string?> HealthUrl = new("URL")
    {
        Arity = ArgumentArity.ZeroOrOne,
        Description = "The daemon's health URL; defaults to http://127.0.0.1:9090/healthz.",
    };

    public static readonly Argument<string?> HelpTopic = new("COMMAND")
    {
        Arity = ArgumentArity.ZeroOrOne,
        Description = "The command to describe.",
    };

    public static readonly RootCommand Root = Build();

    private static RootCommand Build()
    {
        LogLevel.CompletionSources.Add(LogLevels);
        LogFormat.AcceptOnlyFromAmong("text", "json");
        var root = new RootCommand(
            """
            Watch endpoints and keep a CachetHQ status page true.
            cachet-monitor CONFIG [options] is cachet-monitor run CONFIG [options] (the original's invocation).
            The config is reloaded when its file changes or on SIGHUP.
            Environment: CACHET_API_URL and CACHET_TOKEN override cachet.api_url and a plain-string cachet.token;
              CACHET_MONITOR_SHARD=I/N applies when neither shard option is given.
            Exit codes: 0 ok or stopped by SIGTERM/SIGINT, 1 start-up or check failure, 2 bad arguments or config.
            """);
        root.Options.Remove(root.Options.OfType<VersionOption>().Single());
        root.Options.Add(Version);
        root.Options.Add(LogLevel);
        root.Options.Add(LogFormat);
        AddRunSyntax(root);
        root.Arguments[0].Hidden = true; // shown as "run"; otherwise every command's usage line would show it
        root.SetAction(_ => ExitCodes.Ok); // the dispatch is CommandLine's; an action makes a command optional

        var run = new Command("run", "Run the daemon (the same as giving CONFIG alone).");
        AddRunSyntax(run);
        var check = new Command("check", "Probe every endpoint once and print the results; no Cachet calls. Exit 0 when all pass, else 1.")
        {
            ConfigArgument(),
            Json,
        };
        var validate = new Command("validate", "Print every error and warning of the config. Exit 0 when valid, 2 when not.")
        {
            ConfigArgument(),
        };
        var generate = new Command("generate", "Write a config with one endpoint per enabled Cachet component.")
        {
            ApiUrl,
            Token,
            Output,
            Force,
        };
        var health = new Command("health", "GET URL of a running daemon. Exit 0 on 200, else 1.") { HealthUrl };
        var schema = new Command("schema", "Print the JSON Schema of the config (for editors with the YAML language server).");
        var help = new Command("help", "Print the help of the tool or of COMMAND.") { HelpTopic };
        var version = new Command("version", "Print the version.");
        foreach (var command in new[] { run, check, validate, generate, health, schema, help, version })
        {
            root.Subcommands.Add(command);
        }
        HelpTopic.AcceptOnlyFromAmong([.. root.Subcommands.Select(c => c.Name)]);
        return root;
    }

    private static void AddRunSyntax(Command command)
    {
        command.Arguments.Add(ConfigArgument());
        command.Options.Add(DryRun);
        command.Options.Add(Listen);
        command.Options.Add(Shard);
        command.Options.Add(ShardFromHostname);
        command.Validators.Add(result =>
        {
            if (result.GetResult(Shard) is not null && result.GetResult(ShardFromHostname) is not null)
            {
                result.AddError("--shard and --shard-from-hostname exclude each other");
            }
        });
    }

    /// <summary>Parses without response files: a config path may begin with '@'.</summary>
    public static ParseResult Parse(IReadOnlyList<string> args) =>
        Root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });

    private static System.Net.IPEndPoint? ParseListen(ArgumentResult result)
    {
        if (System.Net.IPEndPoint.TryParse(Single(result), out var endpoint) && endpoint.Port != 0)
        {
            return endpoint;
        }
        result.AddError("--listen needs ADDR:PORT, e.g. 127.0.0.1:9090 or [::1]:9090");
        return null;
    }

    private static CachetMonitor.Domain.Shard? ParseShard(ArgumentResult result)
    {
        var parsed = CachetMonitor.Domain.HostInterop.ParseShard(Single(result));
        if (!parsed.TryGetShard(out var shard))
        {
            result.AddError($"--shard: {parsed.Error}");
            return null;
        }
        return shard;
    }

    private static int? ParseShardCount(ArgumentResult result)
    {
        if (int.TryParse(Single(result), System.Globalization.NumberStyles.None, null, out var count) && count >= 1)
        {
            return count;
        }
        result.AddError("--shard-from-hostname needs the shard count N (a whole number, at least 1)");
        return null;
    }

    private static string ParseLogLevel(ArgumentResult result)
    {
        var value = Single(result);
        if (!Enum.TryParse<Microsoft.Extensions.Logging.LogLevel>(value, ignoreCase: true, out _))
        {
            result.AddError($"--log-level: unknown level \"{value}\" ({string.Join(", ", LogLevels)})");
        }
        return value;
    }

    private static string Single(ArgumentResult result) => result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
}
