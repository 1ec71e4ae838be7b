using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace CachetMonitor.Host.Observability;

/// <summary>
/// Console logging that never blocks its caller: each entry is formatted on the caller's thread by the console
/// formatter in use (text or JSON, exactly as Microsoft's console logger formats it) and handed to the
/// <see cref="LogQueue"/>, which writes it to stderr or drops and counts it when stderr is not being read.
/// </summary>
public sealed class QueuedConsoleLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    [ThreadStatic]
    private static StringWriter? t_writer;

    private readonly ConsoleFormatter _formatter;
    private IExternalScopeProvider? _scopes;

    /// <param name="formatter">Microsoft's text or JSON console formatter.</param>
    /// <param name="output">Where the lines go (stderr).</param>
    public QueuedConsoleLoggerProvider(ConsoleFormatter formatter, Stream output)
    {
        _formatter = formatter;
        Queue = new LogQueue(output, DroppedNotice);
    }

    /// <summary>The queue the lines go through (its dropped count is a metric).</summary>
    public LogQueue Queue { get; }

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public ILogger CreateLogger(string categoryName) => new QueuedLogger(categoryName, this);

    /// <summary>Writes what is queued, giving up after the queue's flush grace when stderr is not read.</summary>
    public void Dispose() => Queue.Dispose();

    /// <summary>One entry as the formatter writes it, or null when it writes nothing.</summary>
    public string? Format<TState>(in LogEntry<TState> entry)
    {
        var writer = t_writer ??= new StringWriter();
        _formatter.Write(entry, _scopes, writer);
        var text = writer.GetStringBuilder();
        if (text.Length == 0)
        {
            return null;
        }
        var line = text.ToString();
        text.Clear();
        if (text.Capacity > 1024)
        {
            // One huge entry (an exception's text) should not pin its buffer for the thread's lifetime.
            text.Capacity = 1024;
        }
        return line;
    }

    private void Write<TState>(in LogEntry<TState> entry)
    {
        if (Format(entry) is { } line)
        {
            Queue.Enqueue(line);
        }
    }

    /// <summary>The line saying how many lines were dropped, formatted as a warning of <see cref="LogQueue"/>.</summary>
    public string DroppedNotice(long count)
    {
        var message = $"{count} log line(s) dropped: stderr was not read fast enough";
        return Format(new LogEntry<string>(
            LogLevel.Warning, typeof(LogQueue).FullName!, default, message, null, static (m, _) => m)) ?? message + Environment.NewLine;
    }

    private sealed class QueuedLogger(string category, QueuedConsoleLoggerProvider provider) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull =>
            provider._scopes?.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                provider.Write(new LogEntry<TState>(logLevel, category, eventId, state, exception, formatter));
            }
        }
    }
}
