module CachetMonitor.Tests.Host.ProbeTests
