using System.Reflection;
using TextSketch.Core.Format;
using Xunit.Abstractions;

namespace TextSketch.Core.Tests.Architecture;

/// <summary>
/// TextSketch.Core's stages (the first namespace below TextSketch.Core: Imaging, Sketch, Coding, Format, Decoding, …)
/// use each other in one direction only, the direction of the flow image → analysis → coding → record → decoding.
/// A stage's own sub-namespaces (Coding.Text, Decoding.Preview, …) belong to it: a stage may register its plug-ins.
/// </summary>
public class NamespaceCycleTests(ITestOutputHelper output)
{
    private static readonly Assembly Core = typeof(TskFile).Assembly;

    [Fact]
    public void StagesOfCoreFormNoCycle()
    {
        Dictionary<(string From, string To), string> edges = NamespaceGraph.Edges(Core, StageOf);
        IReadOnlyList<string> stages = NamespaceGraph.Layers(edges.Keys.SelectMany(e => new[] { e.From, e.To }).Distinct(), edges.Keys);
        output.WriteLine("Stages, each using only those before it: " + string.Join(" < ", stages));
        foreach (((string from, string to), string example) in edges.OrderBy(e => e.Key.From).ThenBy(e => e.Key.To))
        {
            output.WriteLine($"{from} -> {to}   ({example})");
        }

        IReadOnlyList<string>? cycle = NamespaceGraph.FindCycle(edges.Keys);
        Assert.True(cycle is null, cycle is null ? null
            : $"Namespace cycle {string.Join(" -> ", cycle)}: " + string.Join("; ", cycle.Zip(cycle.Skip(1)).Select(pair => edges[pair])));
    }

    [Fact]
    public void NamespacesOfCoreFormNoCycleEither()
    {
        // Finer than the stages: every namespace its own node. A stage may still register plug-ins that live in its
        // sub-namespaces (a cycle between a namespace and its own children), so those edges are left out.
        Dictionary<(string From, string To), string> edges = NamespaceGraph.Edges(Core, ns => ns.StartsWith("TextSketch.Core", StringComparison.Ordinal) ? ns : null)
            .Where(e => !e.Key.To.StartsWith(e.Key.From + ".", StringComparison.Ordinal))
            .ToDictionary(e => e.Key, e => e.Value);
        IReadOnlyList<string>? cycle = NamespaceGraph.FindCycle(edges.Keys);
        Assert.True(cycle is null, cycle is null ? null
            : $"Namespace cycle {string.Join(" -> ", cycle)}: " + string.Join("; ", cycle.Zip(cycle.Skip(1)).Select(pair => edges[pair])));
    }

    [Fact]
    public void TheCheckerSeesReferencesInsideMethodBodies()
    {
        // The checker itself: a cycle made only of code inside method bodies is found, and an acyclic graph passes.
        Assert.Equal(["A", "B", "A"], NamespaceGraph.FindCycle([("A", "B"), ("B", "A")]));
        Assert.Null(NamespaceGraph.FindCycle([("A", "B"), ("B", "C"), ("A", "C")]));
        Dictionary<(string From, string To), string> own = NamespaceGraph.Edges(typeof(NamespaceCycleTests).Assembly,
            ns => ns.StartsWith("TextSketch.Core.Tests.Architecture.Probe", StringComparison.Ordinal) ? ns : null);
        Assert.Contains(("TextSketch.Core.Tests.Architecture.ProbeA", "TextSketch.Core.Tests.Architecture.ProbeB"), own.Keys);
        Assert.Contains(("TextSketch.Core.Tests.Architecture.ProbeB", "TextSketch.Core.Tests.Architecture.ProbeA"), own.Keys);
    }

    /// <summary>"TextSketch.Core.Coding.Text" is stage "Coding"; "TextSketch.Core" itself is "(root)".</summary>
    private static string? StageOf(string ns)
    {
        const string Prefix = "TextSketch.Core";
        if (ns == Prefix)
        {
            return "(root)";
        }

        if (!ns.StartsWith(Prefix + ".", StringComparison.Ordinal))
        {
            return null;
        }

        string rest = ns[(Prefix.Length + 1)..];
        int dot = rest.IndexOf('.');
        return dot < 0 ? rest : rest[..dot];
    }
}
