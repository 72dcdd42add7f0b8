namespace TextSketch.Core.Onnx;

public enum ExecutionDevice
{
    /// <summary>CUDA when its provider loads, else the CPU (with the reason recorded for one warning).</summary>
    Auto,
    Cpu,
    Cuda,
}
