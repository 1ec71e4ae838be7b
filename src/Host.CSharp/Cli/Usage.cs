namespace CachetMonitor.Host.Cli;

/// <summary>The help text.</summary>
public static class Usage
{
    public const string Text = """
        usage:
          cachet-monitor [run] [CONFIG] [--dry-run] [--listen ADDR:PORT] [--shard I/N | --shard-from-hostname N]
              [--log-level LEVEL] [--log-format text|json]
              Run the daemon. CONFIG defaults to $CACHET_MONITOR_CONFIG, else config/config.yml.
              --dry-run probes and decides as usual but only logs the Cachet writes it would make.
              --listen serves /healthz, /readyz and /metrics (Prometheus) on ADDR:PORT.
              The config is reloaded when its file changes or on SIGHUP.
              --shard I/N monitors only the endpoints whose name hashes to shard I of N (0-based);
              --shard-from-hostname N takes I from the trailing -ORDINAL of $HOSTNAME (a StatefulSet pod).
          cachet-monitor check [CONFIG] [--json]
              Probe every endpoint once and print the results; no Cachet calls. Exit 0 when all pass, else 1.
          cachet-monitor validate [CONFIG]
              Print every error and warning of the config. Exit 0 when valid, 2 when not.
          cachet-monitor generate API_URL TOKEN OUTPUT.yml [--force]
              Write a config with one endpoint per enabled Cachet component.
          cachet-monitor schema
              Print the JSON Schema of the config (for editors with the YAML language server).
          cachet-monitor health [URL]
              GET URL (default http://127.0.0.1:9090/healthz) of a running daemon. Exit 0 on 200, else 1.

        environment: CACHET_API_URL and CACHET_TOKEN override cachet.api_url and a plain-string cachet.token;
          CACHET_MONITOR_SHARD=I/N applies when neither shard option is given.
        exit codes: 0 ok or stopped by SIGTERM/SIGINT, 1 start-up or check failure, 2 bad arguments or config.
        """;
}
