namespace TextSketch.Core.Jobs;

/// <summary>
/// Runs work items on up to <c>degree</c> threads and hands results back strictly in input order, holding at most
/// <see cref="Capacity"/> items in flight so memory stays flat however long the input is. The caller (a cmdlet's
/// pipeline thread) enqueues, then takes what is ready; results never depend on the degree, only their timing does.
/// </summary>
public sealed class OrderedWorkQueue<TInput, TResult> : IDisposable
{
    private readonly Func<TInput, CancellationToken, TResult> _work;
    private readonly SemaphoreSlim _slots;
    private readonly Queue<Task<TResult>> _pending = new();
    private readonly CancellationToken _cancellationToken;

    public OrderedWorkQueue(Func<TInput, CancellationToken, TResult> work, int degree, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        ArgumentOutOfRangeException.ThrowIfLessThan(degree, 1);
        _work = work;
        _slots = new SemaphoreSlim(degree, degree);
        _cancellationToken = cancellationToken;
        Capacity = degree * 2;
    }

    /// <summary>Items allowed in flight before <see cref="TakeReady"/> waits for the oldest.</summary>
    public int Capacity { get; }

    public int Count => _pending.Count;

    public void Enqueue(TInput item) => _pending.Enqueue(RunAsync(item));

    /// <summary>Finished results in input order; while over capacity, also waits for the oldest.</summary>
    public IEnumerable<TResult> TakeReady()
    {
        while (_pending.Count > 0 && (_pending.Peek().IsCompleted || _pending.Count > Capacity))
        {
            yield return _pending.Dequeue().GetAwaiter().GetResult();
        }
    }

    /// <summary>Every remaining result in input order, waiting as needed.</summary>
    public IEnumerable<TResult> TakeAll()
    {
        while (_pending.Count > 0)
        {
            yield return _pending.Dequeue().GetAwaiter().GetResult();
        }
    }

    public void Dispose()
    {
        // Let in-flight work observe cancellation and clean up before the semaphore goes away.
        foreach (Task<TResult> task in _pending)
        {
            try
            {
                task.Wait(TimeSpan.FromSeconds(30));
            }
            catch (AggregateException)
            {
            }
        }

        _pending.Clear();
        _slots.Dispose();
    }

    private async Task<TResult> RunAsync(TInput item)
    {
        await _slots.WaitAsync(_cancellationToken).ConfigureAwait(false);
        try
        {
            return await Task.Run(() => _work(item, _cancellationToken), _cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _slots.Release();
        }
    }
}
