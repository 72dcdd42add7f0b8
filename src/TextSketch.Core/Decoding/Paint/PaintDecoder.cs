using TextSketch.Core.Coding.ColorLayer;
using TextSketch.Core.Format;
using TextSketch.Core.Imaging;
using TextSketch.Core.Sketch;

namespace TextSketch.Core.Decoding.Paint;

/// <summary>
/// The weight-free decoder: for each plane of the colour layer c, the full-resolution picture u that minimises
/// λ·|D u − c|² + Σ_links w·(u_i − u_j)² + μ·|u − H c|², where D box-averages onto the layer's cells, H interpolates
/// the layer bilinearly (a weak anchor, μ = <see cref="PaintOptions.Anchor"/>), and the link weights w drop to
/// <see cref="PaintOptions.EdgeLeak"/> where the sketch's contours, traced and straightened into sub-pixel curves,
/// cross them; then a short blur across the edges only (<see cref="PaintOptions.EdgeSoftness"/>). The picture keeps
/// the layer's cell means, is smooth within regions and changes sharply at the edges. Linear in c for a fixed sketch.
/// Deterministic: only basic IEEE arithmetic in a fixed order, so the same record gives the same pixels on any
/// machine and for any thread count. The loops of a decode are compiled fully optimised on first use
/// (MethodImplOptions.AggressiveOptimization, which changes no result): a decode calls each a few times only, so
/// tiered compilation would leave a process's first decodes in unoptimised code (measured: the first record of a run
/// decoded about 1.5x slower than the rest).
/// <para>As an <see cref="ITskDecoder"/> (-Decoder Paint, the weight-free default): a record's colour layer (a
/// version-1 record's colour hint as the layer's smallest setting) and its sketch, at the record's size;
/// <see cref="DecodeOptions.Outline"/> inks the sketch's curves over the picture. Runs everywhere, in parallel,
/// ignores the seed.</para>
/// </summary>
public sealed class PaintDecoder : ITskDecoder
{
    /// <summary>The grey a record without a colour layer decodes to (each of R, G, B).</summary>
    public const byte NeutralValue = 128;

    public static TskDecoderEntry Entry { get; } = new("Paint", "the colour layer painted edge-aware between the sketch's contours", _ => null, _ => new PaintDecoder());

    public string Name => Entry.Name;

    public bool RunsInParallel => true;

    public void Prepare(IMessageSink messages)
    {
    }

    /// <summary>Peak bytes per image pixel of a decode: the planes, the link hierarchy and the multigrid levels
    /// (measured: 1.5 GB of process memory for a 4000x3000 record, about 110 bytes per pixel).</summary>
    public const long WorkingBytesPerPixel = 110;

    public long WorkingBytes(TskDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        return (long)document.Width * document.Height * WorkingBytesPerPixel;
    }

    public DecodedImage Decode(TskRecord record, DecodeOptions options, IProgress<DecodeProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(options);
        TskDocument document = record.Document;
        PaintOptions paint = PaintOptions.Default with { Outline = options.Outline };
        return new DecodedImage(Decode(document.Width, document.Height, LayerOf(document), document.Sketch?.Bitmap, paint));
    }

    public void Dispose()
    {
    }

    /// <summary>The colour a record carries as layer planes: its colour layer, or a version-1 record's colour hint
    /// (the layer's smallest setting); null without colour.</summary>
    public static LayerPlanes? LayerOf(TskDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        return document.ColorLayer?.ToPlanes() ?? document.Color?.ToPlanes(document.Width, document.Height);
    }

    /// <summary>The picture of <paramref name="layer"/> (null: neutral grey) shaped by <paramref name="sketch"/> at
    /// <paramref name="width"/> x <paramref name="height"/>.</summary>
    public static RgbImage Decode(int width, int height, LayerPlanes? layer, BitPlane? sketch, PaintOptions? options = null)
    {
        options ??= PaintOptions.Default;
        if (width < 1 || height < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(width), $"An image of {width}x{height} is empty.");
        }

        PaintScene scene = PaintScene.Create(width, height, sketch, options);
        RgbImage image;
        if (layer is null)
        {
            // No colour: nothing to paint between the edges.
            image = new RgbImage(width, height);
            Array.Fill(image.Pixels, NeutralValue);
        }
        else
        {
            float[][] planes = scene.Decode(layer);
            image = YCoCg.ToImage(width, height, planes[0], planes[1], planes[2]);
        }

        if (options.Outline)
        {
            Outline.Ink(image, scene.Curves);
        }

        return image;
    }
}

/// <summary>
/// A sketch prepared for decoding at one image size: its curves, the cut links and their multigrid hierarchy, and
/// the plane systems per layer grid (built on first use). Reusable for many layers with the same sketch — the
/// encoder's fitting decodes many — and thread-safe.
/// </summary>
public sealed class PaintScene
{
    private readonly Dictionary<LayerGrid, PlaneSystem> _systems = [];
    private readonly PaintOptions _options;

    /// <summary>Built on the first decode (a record without colour needs only the curves).</summary>
    private readonly Lazy<LinkHierarchy> _hierarchy;

    private PaintScene(int width, int height, IReadOnlyList<EdgeCurve> curves, PixelLinks links, PaintOptions options)
    {
        Width = width;
        Height = height;
        Curves = curves;
        Links = links;
        _options = options;
        _hierarchy = new Lazy<LinkHierarchy>(() => new LinkHierarchy(links, options.Anchor));
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>The sketch's contours at image scale.</summary>
    public IReadOnlyList<EdgeCurve> Curves { get; }

    public PixelLinks Links { get; }

    public PaintOptions Options => _options;

    internal LinkHierarchy Hierarchy => _hierarchy.Value;

    /// <summary>Multigrid levels (for diagnostics).</summary>
    public int LevelCount => Hierarchy.LevelCount;

    /// <summary>Unknowns on a multigrid level (for diagnostics).</summary>
    public int LevelSize(int level) => Hierarchy.Count(level);

    public static PaintScene Create(int width, int height, BitPlane? sketch, PaintOptions? options = null)
    {
        options ??= PaintOptions.Default;
        if (width < 1 || height < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(width), $"An image of {width}x{height} is empty.");
        }

        if (!(options.EdgeLeak > 0) || options.EdgeLeak > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "The edge leak must be in (0, 1].");
        }

        if (!(options.DataWeight > 0) || double.IsInfinity(options.DataWeight) || !(options.Anchor >= 0) || float.IsInfinity(options.Anchor)
            || !(options.EdgeSoftness >= 0) || options.EdgeSoftness > 16 || options.ContourPasses < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "The data weight must be positive, the anchor and the edge softness (at most 16 px) non-negative, the contour passes at least 0.");
        }

        IReadOnlyList<EdgeCurve> curves = sketch is null || sketch.Width == 0 || sketch.Height == 0
            ? []
            : SketchContours.Trace(sketch, width, height, options.ContourPasses);
        var links = new PixelLinks(width, height);
        links.Cut(curves, options.EdgeLeak);
        return new PaintScene(width, height, curves, links, options);
    }

    /// <summary>The Y, Co, Cg planes (W·H floats each) decoded from <paramref name="layer"/>.</summary>
    public float[][] Decode(LayerPlanes layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        PaintOptions options = _options;
        if (layer.Geometry.ImageWidth != Width || layer.Geometry.ImageHeight != Height)
        {
            throw new ArgumentException($"The layer covers {layer.Geometry.ImageWidth}x{layer.Geometry.ImageHeight}; the picture is {Width}x{Height}.", nameof(layer));
        }

        var planes = new float[3][];
        int threads = Math.Clamp(options.MaxDegreeOfParallelism, 1, 3);
        // A plane whose cells are all zero decodes to zeros exactly (every step of the solve maps zeros to +0, and so
        // does the edge softening): it needs no system and no solve. A grey picture's chroma planes are such planes.
        bool[] solve = [!IsZero(layer.Plane(0)), !IsZero(layer.Plane(1)), !IsZero(layer.Plane(2))];
        for (int p = 0; p < 3; p++)
        {
            if (!solve[p])
            {
                planes[p] = new float[Width * Height];
            }
        }

        PlaneSystem? luma = solve[0] ? System(layer.Geometry.Luma) : null;
        PlaneSystem? chroma = solve[1] || solve[2] ? System(layer.Geometry.Chroma) : null;
        if (threads == 1)
        {
            // One solve at a time: the chroma planes reuse one workspace (a solve starts from none of its contents).
            if (luma is not null)
            {
                using PlaneSystem.Workspace lumaWork = luma.CreateWorkspace();
                planes[0] = luma.Solve(layer.Plane(0), options.Schedule, lumaWork);
            }

            if (chroma is not null)
            {
                using PlaneSystem.Workspace work = chroma.CreateWorkspace();
                for (int p = 1; p < 3; p++)
                {
                    if (solve[p])
                    {
                        planes[p] = chroma.Solve(layer.Plane(p), options.ChromaSchedule, work);
                    }
                }
            }
        }
        else
        {
            // Planes are independent solves; running them at once changes nothing in their arithmetic.
            Parallel.For(0, 3, new ParallelOptions { MaxDegreeOfParallelism = threads }, p =>
            {
                if (!solve[p])
                {
                    return;
                }

                PlaneSystem system = p == 0 ? luma! : chroma!;
                using PlaneSystem.Workspace work = system.CreateWorkspace();
                planes[p] = system.Solve(layer.Plane(p), p == 0 ? options.Schedule : options.ChromaSchedule, work);
            });
        }

        EdgeSoftening.Apply(planes, Links, options.EdgeSoftness);
        return planes;
    }

    /// <summary>All cells zero (either sign).</summary>
    private static bool IsZero(float[] cells)
    {
        foreach (float v in cells)
        {
            if (v != 0)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>One plane decoded from its cell values on <paramref name="grid"/>.</summary>
    public float[] DecodePlane(LayerGrid grid, ReadOnlySpan<float> cells, SolveSchedule? schedule = null)
    {
        PlaneSystem system = System(grid);
        using PlaneSystem.Workspace work = system.CreateWorkspace();
        return system.Solve(cells, schedule ?? _options.Schedule, work);
    }

    internal PlaneSystem System(LayerGrid grid)
    {
        ArgumentNullException.ThrowIfNull(grid);
        lock (_systems)
        {
            if (!_systems.TryGetValue(grid, out PlaneSystem? system))
            {
                system = new PlaneSystem(Hierarchy, grid, _options.DataWeight);
                _systems[grid] = system;
            }

            return system;
        }
    }
}
