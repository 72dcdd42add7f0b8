using TextSketch.Core.Sketch;

namespace TextSketch.Core.Coding;

/// <summary>Lossless coding of a sketch bitmap into its own range-coded stream.</summary>
public interface ISketchCoder
{
    /// <summary>Identifier stored in the record; never reused for a different bitstream.</summary>
    int Id { get; }

    string Name { get; }

    void Encode(BitPlane plane, RangeEncoder encoder);

    BitPlane Decode(RangeDecoder decoder, int width, int height);
}
