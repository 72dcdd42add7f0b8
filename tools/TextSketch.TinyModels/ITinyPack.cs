using TextSketch.Core.Models;

namespace TextSketch.TinyModels;

/// <summary>Writes the tiny version of one real pack: every file of its manifest, at the same relative path, with the
/// real ONNX input/output names, element types and ranks (tokenizer and config files in their real formats).</summary>
public interface ITinyPack
{
    /// <summary>The pack name, as in models/&lt;name&gt;.json.</summary>
    string Name { get; }

    /// <summary>Writes the files of <paramref name="manifest"/> into <paramref name="directory"/>.</summary>
    void Write(ModelManifest manifest, string directory);
}
