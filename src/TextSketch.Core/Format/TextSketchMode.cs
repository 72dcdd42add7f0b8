namespace TextSketch.Core.Format;

public enum TextSketchMode
{
    /// <summary>Caption, colour hint and sketch (the paper's PICS).</summary>
    TextSketch = 0,

    /// <summary>Caption only (the paper's PIC).</summary>
    Text = 1,
}
