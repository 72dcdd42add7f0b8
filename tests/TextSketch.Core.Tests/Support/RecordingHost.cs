using TextSketch.Core.Decoding;
using TextSketch.Core.Jobs;

namespace TextSketch.Core.Tests.Support;

/// <summary>A job host that answers ShouldProcess as told and records everything it is asked and told.</summary>
internal sealed class RecordingHost : IJobHost
{
    public bool Allow { get; init; } = true;

    public bool ConfirmRemovals { get; init; } = true;

    public List<(string Target, string Action)> Asked { get; } = [];

    public List<string> Warnings { get; } = [];

    public List<string> Notes { get; } = [];

    public List<(string Item, DecodeProgress Progress)> Steps { get; } = [];

    public bool ShouldProcess(string target, string action)
    {
        Asked.Add((target, action));
        return Allow;
    }

    public bool ConfirmRemoval(string source) => ConfirmRemovals;

    public void Warning(string message) => Warnings.Add(message);

    public void Verbose(string message) => Notes.Add(message);

    public void StepProgress(string item, DecodeProgress progress) => Steps.Add((item, progress));
}
