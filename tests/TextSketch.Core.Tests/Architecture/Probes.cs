// Two namespaces that use each other only inside method bodies (a call and a fully qualified construction), so the
// namespace checker is shown to read IL, not only signatures.
namespace TextSketch.Core.Tests.Architecture.ProbeA
{
    internal static class First
    {
        public static int Call() => TextSketch.Core.Tests.Architecture.ProbeB.Second.Value();
    }
}

namespace TextSketch.Core.Tests.Architecture.ProbeB
{
    internal static class Second
    {
        public static int Value() => 1;

        public static object Make() => new System.Lazy<int>(() => TextSketch.Core.Tests.Architecture.ProbeA.First.Call());
    }
}
