using Microsoft.ML.OnnxRuntime;

namespace TextSketch.Core.Onnx;

/// <summary>
/// Creates ONNX Runtime sessions on the best available execution provider, with a fixed thread count. CUDA is tried
/// first (Auto); when its provider library or CUDA/cuDNN cannot be loaded, sessions run on the CPU and
/// <see cref="FallbackReason"/> says why. The sessions belong to the <see cref="OnnxModel"/>s made with them.
/// </summary>
public sealed class OnnxSessionFactory
{
    private static readonly object ProbeLock = new();
    private static string? _cudaFailure;
    private static bool _cudaProbed;

    private readonly int _deviceId;
    private readonly int _intraOpThreads;

    /// <param name="device">Which execution provider to use.</param>
    /// <param name="intraOpThreads">CPU threads per session; 0 lets ONNX Runtime choose. Encoder-side models use 1 so
    /// their output (and the record's bytes) never depends on the thread count.</param>
    public OnnxSessionFactory(ExecutionDevice device = ExecutionDevice.Auto, int deviceId = 0, int intraOpThreads = 0)
    {
        _deviceId = deviceId;
        _intraOpThreads = intraOpThreads;
        Device = device;
        UsesCuda = device != ExecutionDevice.Cpu && CudaAvailable(deviceId, out _);
        if (device == ExecutionDevice.Cuda && !UsesCuda)
        {
            throw new TextSketchException("CudaUnavailable", $"The CUDA execution provider cannot be used: {_cudaFailure}");
        }

        FallbackReason = device == ExecutionDevice.Auto && !UsesCuda ? _cudaFailure : null;
    }

    public ExecutionDevice Device { get; }

    public bool UsesCuda { get; }

    /// <summary>Why Auto fell back to the CPU (null when it did not).</summary>
    public string? FallbackReason { get; }

    public string ProviderName => UsesCuda ? "CUDAExecutionProvider" : "CPUExecutionProvider";

    /// <summary>A new session for a model file; the caller owns it (<see cref="OnnxModel.Open"/> does).</summary>
    public InferenceSession Create(string modelPath)
    {
        ArgumentNullException.ThrowIfNull(modelPath);
        string key = Path.GetFullPath(modelPath);
        if (!File.Exists(key))
        {
            throw new Models.ModelPackException("ModelFileMissing", $"The model file '{key}' does not exist.");
        }

        using SessionOptions options = CreateOptions();
        try
        {
            return new InferenceSession(key, options);
        }
        catch (OnnxRuntimeException e)
        {
            throw new Models.ModelPackException("ModelLoadFailed", $"ONNX Runtime cannot load '{key}': {e.Message}", e);
        }
    }

    /// <summary>A new session for a model held in memory (a model rewritten before loading); <paramref name="name"/>
    /// names it in messages. The caller owns the session.</summary>
    public InferenceSession Create(byte[] model, string name)
    {
        ArgumentNullException.ThrowIfNull(model);
        using SessionOptions options = CreateOptions();
        try
        {
            return new InferenceSession(model, options);
        }
        catch (OnnxRuntimeException e)
        {
            throw new Models.ModelPackException("ModelLoadFailed", $"ONNX Runtime cannot load '{name}': {e.Message}", e);
        }
    }

    private SessionOptions CreateOptions()
    {
        var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        if (_intraOpThreads > 0)
        {
            options.IntraOpNumThreads = _intraOpThreads;
        }

        if (UsesCuda)
        {
            options.AppendExecutionProvider_CUDA(_deviceId);
        }

        return options;
    }

    /// <summary>Whether the CUDA provider loads in this process (probed once; the reason is kept when it does not).</summary>
    public static bool CudaAvailable(int deviceId, out string? reason)
    {
        lock (ProbeLock)
        {
            if (!_cudaProbed)
            {
                _cudaProbed = true;
                if (!OrtEnv.Instance().GetAvailableProviders().Contains("CUDAExecutionProvider"))
                {
                    _cudaFailure = OnnxRuntimeLibrary.LoadedFromPack is null
                        ? $"the module's ONNX Runtime is the CPU build; install the CUDA build with 'Install-TextSketchModel -Name {OnnxRuntimeLibrary.CudaPackName}' (linux-x64, win-x64) and start a new PowerShell session"
                        : "this ONNX Runtime build has no CUDA execution provider";
                }
                else
                {
                    // ONNX Runtime logs the failed load itself; the caller reports it once, in its own words.
                    OrtEnv environment = OrtEnv.Instance();
                    OrtLoggingLevel level = environment.EnvLogLevel;
                    environment.EnvLogLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL;
                    try
                    {
                        using var probe = new SessionOptions();
                        probe.AppendExecutionProvider_CUDA(deviceId);
                    }
                    catch (Exception e) when (e is OnnxRuntimeException or DllNotFoundException or EntryPointNotFoundException)
                    {
                        // Typically libcublas / libcudnn / the driver is missing; ORT's message names the library.
                        _cudaFailure = e.Message.Trim();
                    }
                    finally
                    {
                        environment.EnvLogLevel = level;
                    }
                }
            }

            reason = _cudaFailure;
            return _cudaFailure is null;
        }
    }
}
