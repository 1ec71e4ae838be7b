module CachetMonitor.Tests.Domain.TemplateTests
