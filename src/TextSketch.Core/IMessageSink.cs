namespace TextSketch.Core;

/// <summary>Where long-running work sends what the user should read. A cmdlet forwards these to WriteWarning and
/// WriteVerbose; they are always called on the thread that drives the work (a cmdlet's pipeline thread).</summary>
public interface IMessageSink
{
    void Warning(string message);

    void Verbose(string message);
}
