namespace TextSketch.Core.Models;

/// <summary>A model pack that is missing, invalid, or does not match what the code expects.</summary>
public class ModelPackException : TextSketchException
{
    public ModelPackException(string errorId, string message, Exception? inner = null)
        : base(errorId, message, inner)
    {
    }

    public static ModelPackException NotInstalled(string pack, string root) => new(
        "ModelPackNotInstalled",
        $"The model pack '{pack}' is not installed in '{root}'. Install it with: Install-TextSketchModel -Name {pack}");
}
