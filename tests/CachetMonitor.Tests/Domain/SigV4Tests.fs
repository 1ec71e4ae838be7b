module CachetMonitor.Tests.Domain.SigV4Tests
