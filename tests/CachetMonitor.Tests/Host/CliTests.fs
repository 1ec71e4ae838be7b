module CachetMonitor.Tests.Host.CliTests
