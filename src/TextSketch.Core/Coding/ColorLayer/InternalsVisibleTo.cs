using System.Runtime.CompilerServices;

// The layer lab measures internal alternatives (other wavelets, model rates) against the format's coder.
[assembly: InternalsVisibleTo("TextSketch.LayerLab")]
