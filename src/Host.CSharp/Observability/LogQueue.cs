using System.Text;

namespace CachetMonitor.Host.Observability;

/// <summary>
/// The log output's buffer: loggers only enqueue a formatted line, and one background thread writes the lines
/// out. When the output is not read (a pipe nobody drains, a stalled log collector) the queue fills, and each
/// further line is dropped and counted instead of blocking its caller (a check among them); once there is room
/// again, one line says how many were dropped.
/// </summary>
public sealed class LogQueue : IDisposable
{
    /// <summary>The lines held at most (as Microsoft's console logger holds).</summary>
    public const int DefaultCapacity = 2500;

    /// <summary>How long disposing waits for the queued lines to be written before giving up on the output.</summary>
    public static readonly TimeSpan DefaultFlushGrace = TimeSpan.FromSeconds(1);

    /// <summary>The most lines the writer takes at once, so that what it holds stays bounded too.</summary>
    private const int MaxBatch = 256;

    private readonly Queue<string> _lines = new();
    private readonly Stream _output;
    private readonly Func<long, string> _droppedNotice;
    private readonly int _capacity;
    private readonly TimeSpan _flushGrace;
    private readonly Thread _writer;
    private long _dropped;
    private long _unreported;
    private bool _completed;

    /// <param name="output">Where the lines go (stderr).</param>
    /// <param name="droppedNotice">The line that says how many lines were dropped, formatted like the others.</param>
    /// <param name="capacity">The lines held at most.</param>
    /// <param name="flushGrace">How long <see cref="Dispose"/> waits for the queue to drain.</param>
    public LogQueue(Stream output, Func<long, string> droppedNotice, int capacity = DefaultCapacity, TimeSpan? flushGrace = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _output = output;
        _droppedNotice = droppedNotice;
        _capacity = capacity;
        _flushGrace = flushGrace ?? DefaultFlushGrace;
        // A background thread: a write blocked on an unread output must not keep the process alive.
        _writer = new Thread(Run) { IsBackground = true, Name = "cachet-monitor log writer" };
        _writer.Start();
    }

    /// <summary>Lines dropped so far: the queue was full, or the output refused them.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Queues a line for writing; never blocks on the output.</summary>
    public void Enqueue(string line)
    {
        lock (_lines)
        {
            if (_completed)
            {
                return;
            }
            if (_lines.Count >= _capacity)
            {
                _unreported++;
                Interlocked.Increment(ref _dropped);
                return;
            }
            if (_unreported > 0)
            {
                // May hold one line over the capacity: the notice must not be dropped itself.
                _lines.Enqueue(_droppedNotice(_unreported));
                _unreported = 0;
            }
            _lines.Enqueue(line);
            Monitor.Pulse(_lines);
        }
    }

    private void Run()
    {
        var batch = new List<string>(MaxBatch);
        var text = new StringBuilder();
        while (true)
        {
            lock (_lines)
            {
                while (_lines.Count == 0 && !_completed)
                {
                    Monitor.Wait(_lines);
                }
                if (_lines.Count == 0)
                {
                    return;
                }
                while (batch.Count < MaxBatch && _lines.TryDequeue(out var line))
                {
                    batch.Add(line);
                }
            }
            foreach (var line in batch)
            {
                text.Append(line);
            }
            try
            {
                _output.Write(Encoding.UTF8.GetBytes(text.ToString()));
                _output.Flush();
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException)
            {
                // The output is gone (its reader closed the pipe): these lines are lost; count them.
                Interlocked.Add(ref _dropped, batch.Count);
            }
            batch.Clear();
            text.Clear();
        }
    }

    /// <summary>Writes what is queued, waiting at most the flush grace for an output that is not read.</summary>
    public void Dispose()
    {
        lock (_lines)
        {
            if (_completed)
            {
                return;
            }
            _completed = true;
            Monitor.PulseAll(_lines);
        }
        _writer.Join(_flushGrace);
    }
}
