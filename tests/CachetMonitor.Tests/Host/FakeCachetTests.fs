module CachetMonitor.Tests.Host.FakeCachetTests
