namespace TextSketch.Core.Coding;

/// <summary>Lossless coding of a caption inside a range-coded stream; self-terminating.</summary>
public interface ICaptionCoder
{
    /// <summary>Identifier stored in the record; never reused for a different bitstream.</summary>
    int Id { get; }

    string Name { get; }

    /// <summary>Whether this coder can represent <paramref name="caption"/> exactly.</summary>
    bool CanEncode(string caption);

    void Encode(string caption, RangeEncoder encoder);

    string Decode(RangeDecoder decoder);
}
