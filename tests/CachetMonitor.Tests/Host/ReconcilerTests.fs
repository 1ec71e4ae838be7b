module CachetMonitor.Tests.Host.ReconcilerTests
