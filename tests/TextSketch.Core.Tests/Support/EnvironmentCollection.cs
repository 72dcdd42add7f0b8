namespace TextSketch.Core.Tests.Support;

/// <summary>Tests that change process-wide state (environment variables such as TEXTSKETCH_MODELS): they run on
/// their own, never alongside another test.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EnvironmentCollection
{
    public const string Name = "Process environment";
}
