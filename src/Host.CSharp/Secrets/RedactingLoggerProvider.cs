using Microsoft.Extensions.Logging;

namespace CachetMonitor.Host.Secrets;

/// <summary>
/// Wraps a logger provider so that no secret reaches the output: the formatted message and any exception text
/// are redacted, and only the redacted message is passed on (structured values could carry the raw secret).
/// </summary>
public sealed class RedactingLoggerProvider(ILoggerProvider inner, SecretRedactor redactor) : ILoggerProvider, ISupportExternalScope
{
    public void SetScopeProvider(IExternalScopeProvider scopeProvider)
    {
        if (inner is ISupportExternalScope scoped)
        {
            scoped.SetScopeProvider(scopeProvider);
        }
    }

    public ILogger CreateLogger(string categoryName) => new RedactingLogger(inner.CreateLogger(categoryName), redactor);

    public void Dispose() => inner.Dispose();

    private sealed class RedactingLogger(ILogger inner, SecretRedactor redactor) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull =>
            inner.BeginScope(redactor.Redact(state.ToString() ?? ""));

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!inner.IsEnabled(logLevel))
            {
                return;
            }
            var message = redactor.Redact(formatter(state, exception));
            var error = exception is null ? null : new RedactedException(redactor.Redact(exception.ToString()));
            inner.Log(logLevel, eventId, message, error, static (m, _) => m);
        }
    }

    /// <summary>An exception whose text has been redacted; it stands in for the original in the output.</summary>
    private sealed class RedactedException(string text) : Exception(text)
    {
        public override string ToString() => Message;

        public override string? StackTrace => null;
    }
}
