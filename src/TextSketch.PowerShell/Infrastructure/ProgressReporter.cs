using System.Diagnostics;
using System.Globalization;
using System.Management.Automation;

namespace TextSketch.Infrastructure;

/// <summary>
/// Write-Progress for a stream of items, at most four updates a second. Always the count, the rate and the time
/// elapsed ("120 done, 8.3 images/s, 00:00:14 elapsed"), which is all a pipeline of unknown length allows
/// (Get-ChildItem *.jpg | ConvertTo-TextSketch); when the total is known (paths given as parameters, wildcards
/// resolved first), also the percentage and the time left at the rate so far.
/// </summary>
internal sealed class ProgressReporter
{
    private static int _nextActivityId = 0x7E57;

    private readonly Cmdlet _cmdlet;
    private readonly string _activity;
    private readonly string _unit;
    private readonly int _activityId = Interlocked.Increment(ref _nextActivityId);
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _lastUpdateMs = -1000;
    private bool _shown;

    /// <param name="unit">What an item is, plural, for the rate ("images", "records").</param>
    public ProgressReporter(Cmdlet cmdlet, string activity, string unit)
    {
        _cmdlet = cmdlet;
        _activity = activity;
        _unit = unit;
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
        double seconds = Math.Max(now, 1) / 1000.0;
        double rate = Completed / seconds;
        string elapsed = Clock(TimeSpan.FromMilliseconds(now));
        string status = string.Create(CultureInfo.InvariantCulture, $"{Completed} done, {rate:0.0} {_unit}/s, {elapsed} elapsed");
        var record = new ProgressRecord(_activityId, _activity, status) { CurrentOperation = currentItem };
        if (Total is int all && all > 0)
        {
            int left = (int)Math.Min(int.MaxValue / 2, Math.Ceiling(Math.Max(0, all - Completed) / rate));
            record.PercentComplete = Math.Min(100, Completed * 100 / all);
            record.SecondsRemaining = left;
            record.StatusDescription = string.Create(CultureInfo.InvariantCulture,
                $"{Completed} of {all} ({record.PercentComplete}%), {rate:0.0} {_unit}/s, {elapsed} elapsed, {Clock(TimeSpan.FromSeconds(left))} left");
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

    private static string Clock(TimeSpan time) => time.ToString(time.Days > 0 ? @"d\.hh\:mm\:ss" : @"hh\:mm\:ss", CultureInfo.InvariantCulture);
}
