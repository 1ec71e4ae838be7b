module CachetMonitor.Tests.Domain.MonitorTests
