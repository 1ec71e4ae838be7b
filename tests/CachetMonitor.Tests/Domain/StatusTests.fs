module CachetMonitor.Tests.Domain.StatusTests
