namespace CachetMonitor.FakeServers;
