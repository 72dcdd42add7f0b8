using System.Diagnostics;
using System.Management.Automation;

namespace TextSketch.Infrastructure;

/// <summary>Write-Progress for a stream of items: a percentage and time left when the total is known,
/// a running count otherwise. Updates at most a few times a second.</summary>
internal sealed class ProgressReporter
{
    private static int _nextActivityId = 0x7E57;

    private readonly Cmdlet _cmdlet;
    private readonly string _activity;
    private readonly int _activityId = Interlocked.Increment(ref _nextActivityId);
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _lastUpdateMs = -1000;
    private bool _shown;

    public ProgressReporter(Cmdlet cmdlet, string activity)
    {
        _cmdlet = cmdlet;
        _activity = activity;
    }

    /// <summary>Total number of items, when known.</summary>
    public int? Total { get; set; }

    public int Completed { get; private set; }

    public void ItemDone(string currentItem)
    {
        Completed++;
        long now = _clock.ElapsedMilliseconds;
        if (now - _lastUpdateMs < 250 && Completed != Total)
        {
            return;
        }

        _lastUpdateMs = now;
        var record = new ProgressRecord(_activityId, _activity, Total is int total ? $"{Completed} of {total}" : $"{Completed} done")
        {
            CurrentOperation = currentItem,
        };
        if (Total is int all && all > 0)
        {
            record.PercentComplete = Math.Min(100, Completed * 100 / all);
            double perItem = now / 1000.0 / Completed;
            record.SecondsRemaining = (int)Math.Ceiling(perItem * Math.Max(0, all - Completed));
        }

        _cmdlet.WriteProgress(record);
        _shown = true;
    }

    public void Complete()
    {
        if (_shown)
        {
            _cmdlet.WriteProgress(new ProgressRecord(_activityId, _activity, "Done") { RecordType = ProgressRecordType.Completed });
        }
    }
}
