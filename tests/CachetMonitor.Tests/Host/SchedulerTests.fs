module CachetMonitor.Tests.Host.SchedulerTests
