namespace TextSketch.Core.Jobs;

/// <summary>
/// Bounds the working memory of decodes running at once: an item enters when what is already inside plus its own
/// estimate fits the budget, or when nothing is inside (so an item larger than the budget still runs, alone).
/// Only timing depends on it, never results. Waiting is a monitor wait, woken by each exit and by cancellation.
/// </summary>
public sealed class MemoryGate
{
    private readonly object _lock = new();
    private long _inside;

    public MemoryGate(long budgetBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(budgetBytes, 1);
        BudgetBytes = budgetBytes;
    }

    public long BudgetBytes { get; }

    /// <summary>Bytes held by the items inside now.</summary>
    public long InsideBytes
    {
        get
        {
            lock (_lock)
            {
                return _inside;
            }
        }
    }

    /// <summary>Waits until <paramref name="bytes"/> fit (or the gate is empty) and holds them until the returned
    /// lease is disposed. Zero bytes enter at once.</summary>
    public IDisposable Enter(long bytes, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        if (bytes == 0)
        {
            return Lease.None;
        }

        using CancellationTokenRegistration wake = cancellationToken.Register(Wake);
        lock (_lock)
        {
            while (_inside > 0 && _inside + bytes > BudgetBytes)
            {
                cancellationToken.ThrowIfCancellationRequested();
                Monitor.Wait(_lock);
            }

            cancellationToken.ThrowIfCancellationRequested();
            _inside += bytes;
        }

        return new Lease(this, bytes);
    }

    private void Exit(long bytes)
    {
        lock (_lock)
        {
            _inside -= bytes;
            Monitor.PulseAll(_lock);
        }
    }

    private void Wake()
    {
        lock (_lock)
        {
            Monitor.PulseAll(_lock);
        }
    }

    private sealed class Lease(MemoryGate? gate, long bytes) : IDisposable
    {
        public static readonly Lease None = new(null, 0);

        private MemoryGate? _gate = gate;

        public void Dispose() => Interlocked.Exchange(ref _gate, null)?.Exit(bytes);
    }
}
