using TextSketch.Core.Jobs;

namespace TextSketch.Core.Tests.Jobs;

public sealed class MemoryGateTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public void ItemsThatFitTogetherEnterTogether()
    {
        var gate = new MemoryGate(100);
        using IDisposable a = gate.Enter(60, CancellationToken.None);
        using IDisposable b = gate.Enter(40, CancellationToken.None);
        Assert.Equal(100, gate.InsideBytes);
    }

    [Fact]
    public void AnItemThatDoesNotFitWaitsUntilEnoughHasLeft()
    {
        var gate = new MemoryGate(100);
        IDisposable first = gate.Enter(70, CancellationToken.None);
        using var entered = new ManualResetEventSlim();
        long insideWhenEntered = -1;
        var second = new Thread(() =>
        {
            using IDisposable lease = gate.Enter(50, CancellationToken.None);
            insideWhenEntered = gate.InsideBytes;
            entered.Set();
        });
        second.Start();
        Assert.False(entered.Wait(TimeSpan.FromMilliseconds(300)));
        Assert.Equal(70, gate.InsideBytes);
        first.Dispose();
        Assert.True(entered.Wait(Patience));
        Assert.True(second.Join(Patience));
        Assert.Equal(50, insideWhenEntered);
        Assert.Equal(0, gate.InsideBytes);
    }

    [Fact]
    public void AnItemLargerThanTheBudgetEntersAnEmptyGate()
    {
        var gate = new MemoryGate(10);
        using IDisposable lease = gate.Enter(1_000, CancellationToken.None);
        Assert.Equal(1_000, gate.InsideBytes);
    }

    [Fact]
    public void ZeroBytesNeverWait()
    {
        var gate = new MemoryGate(10);
        using IDisposable big = gate.Enter(10, CancellationToken.None);
        using IDisposable none = gate.Enter(0, CancellationToken.None);
        Assert.Equal(10, gate.InsideBytes);
    }

    [Fact]
    public void CancellationEndsTheWaitAndTakesNothing()
    {
        var gate = new MemoryGate(100);
        using IDisposable first = gate.Enter(100, CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        Exception? thrown = null;
        var waiting = new Thread(() =>
        {
            try
            {
                gate.Enter(1, cancel.Token).Dispose();
            }
            catch (Exception e)
            {
                thrown = e;
            }
        });
        waiting.Start();
        Assert.False(waiting.Join(TimeSpan.FromMilliseconds(200)));
        cancel.Cancel();
        Assert.True(waiting.Join(Patience));
        Assert.IsAssignableFrom<OperationCanceledException>(thrown);
        Assert.Equal(100, gate.InsideBytes);
    }

    [Fact]
    public void ALeaseGivesItsBytesBackOnce()
    {
        var gate = new MemoryGate(100);
        IDisposable lease = gate.Enter(30, CancellationToken.None);
        lease.Dispose();
        lease.Dispose();
        Assert.Equal(0, gate.InsideBytes);
    }
}
