using CachetMonitor.Host.Cli;

return await CommandLine.RunAsync(args);
