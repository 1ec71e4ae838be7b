module CachetMonitor.Tests.Host.EndToEndTests
