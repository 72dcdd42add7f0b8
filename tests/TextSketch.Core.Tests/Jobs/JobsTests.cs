using TextSketch.Core.Jobs;
using TextSketch.Core.Tests.Support;

namespace TextSketch.Core.Tests.Jobs;

public class AtomicFileTests
{
    [Fact]
    public void WritesAndRefusesToOverwriteWithoutPermission()
    {
        using var folder = new TempFolder();
        string path = folder.File("a.tsk");
        AtomicFile.Write(path, new byte[] { 1, 2, 3 }, overwrite: false);
        Assert.Equal(new byte[] { 1, 2, 3 }, File.ReadAllBytes(path));
        OutputExistsException e = Assert.Throws<OutputExistsException>(() => AtomicFile.Write(path, new byte[] { 9 }, overwrite: false));
        Assert.Equal("OutputExists", e.ErrorId);
        Assert.Equal(new byte[] { 1, 2, 3 }, File.ReadAllBytes(path));
        AtomicFile.Write(path, new byte[] { 9 }, overwrite: true);
        Assert.Equal(new byte[] { 9 }, File.ReadAllBytes(path));
        Assert.Single(Directory.GetFiles(folder.Path));
    }

    [Fact]
    public void FailedWriteLeavesNothingBehind()
    {
        using var folder = new TempFolder();
        string path = folder.File("b.png");
        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write(new byte[100]);
            throw new InvalidOperationException("encoder failed halfway");
        }, overwrite: false));
        Assert.Empty(Directory.GetFiles(folder.Path));
    }

    [Fact]
    public void FailedReplacementKeepsTheOldFile()
    {
        using var folder = new TempFolder();
        string path = folder.File("c.tsk");
        File.WriteAllBytes(path, new byte[] { 7 });
        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, _ => throw new InvalidOperationException(), overwrite: true));
        Assert.Equal(new byte[] { 7 }, File.ReadAllBytes(path));
        Assert.Single(Directory.GetFiles(folder.Path));
    }
}

public class OrderedWorkQueueTests
{
    [Fact]
    public void ResultsComeBackInInputOrderWhateverTheTiming()
    {
        var random = new Random(5);
        int[] delays = Enumerable.Range(0, 40).Select(_ => random.Next(0, 15)).ToArray();
        using var queue = new OrderedWorkQueue<int, int>((i, _) =>
        {
            Thread.Sleep(delays[i]);
            return i;
        }, degree: 4, CancellationToken.None);
        var results = new List<int>();
        for (int i = 0; i < delays.Length; i++)
        {
            queue.Enqueue(i);
            results.AddRange(queue.TakeReady());
            Assert.True(queue.Count <= queue.Capacity);
        }

        results.AddRange(queue.TakeAll());
        Assert.Equal(Enumerable.Range(0, 40), results);
    }

    [Fact]
    public void NeverRunsMoreThanTheDegreeAtOnce()
    {
        int running = 0, peak = 0;
        using var queue = new OrderedWorkQueue<int, int>((i, _) =>
        {
            int now = Interlocked.Increment(ref running);
            int seen;
            while (now > (seen = Volatile.Read(ref peak)) && Interlocked.CompareExchange(ref peak, now, seen) != seen)
            {
            }

            Thread.Sleep(5);
            Interlocked.Decrement(ref running);
            return i;
        }, degree: 3, CancellationToken.None);
        for (int i = 0; i < 30; i++)
        {
            queue.Enqueue(i);
            _ = queue.TakeReady().ToList();
        }

        _ = queue.TakeAll().ToList();
        Assert.InRange(peak, 1, 3);
    }

    [Fact]
    public void CancellationStopsTheQueue()
    {
        using var cancellation = new CancellationTokenSource();
        using var queue = new OrderedWorkQueue<int, int>((i, ct) =>
        {
            Thread.Sleep(20);
            ct.ThrowIfCancellationRequested();
            return i;
        }, degree: 2, cancellation.Token);
        for (int i = 0; i < 4; i++)
        {
            queue.Enqueue(i);
        }

        cancellation.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => queue.TakeAll().ToList());
    }
}
