namespace TextSketch.Core.Sketch;

/// <summary>Which detector drew a record's sketch (stored in the record, so a decoder can pick the ControlNet trained
/// on that kind of edge map). The value is the id the format stores; new detectors get new ids.</summary>
public enum SketchSource
{
    /// <summary>The built-in weight-free detector (thin Canny-like contours).</summary>
    BuiltIn = 0,

    /// <summary>A HED soft-edge model (-SketchModel hed, or a pack of one's own with a "hed" file).</summary>
    Hed = 1,

    /// <summary>PiDiNet (-SketchModel pidinet, the real checkpoint converted at install).</summary>
    PiDiNet = 2,
}

/// <summary>Names of <see cref="SketchSource"/> as users write them (-SketchModel's pack names; "builtin" for the
/// detector without a pack).</summary>
public static class SketchSourceNames
{
    public const string BuiltIn = "builtin";

    /// <summary>"builtin", "hed", "pidinet"; an id a newer writer stored and this reader does not know is "model N".</summary>
    public static string Of(SketchSource source) => source switch
    {
        SketchSource.BuiltIn => BuiltIn,
        SketchSource.Hed => "hed",
        SketchSource.PiDiNet => "pidinet",
        _ => $"model {(int)source}",
    };
}
