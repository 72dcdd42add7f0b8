namespace TextSketch.Core.Decoding.Paint;

/// <summary>
/// How one plane of the colour layer maps onto the image: a uniform partition of the
/// <see cref="ImageWidth"/> x <see cref="ImageHeight"/> image into <see cref="Columns"/> x <see cref="Rows"/> cells.
/// Cell column i covers image columns [floor(i·W/Columns), floor((i+1)·W/Columns)), rows likewise, so every cell
/// holds at least one pixel and sizes that do not divide spread the remainder evenly. A cell's value is (ideally)
/// the box average of the plane over it: that average is the operator D of the Paint decoder's data term.
/// </summary>
public sealed class LayerGrid : IEquatable<LayerGrid>
{
    public LayerGrid(int imageWidth, int imageHeight, int columns, int rows)
    {
        if (imageWidth < 1 || imageHeight < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(imageWidth), $"An image of {imageWidth}x{imageHeight} is empty.");
        }

        if (columns < 1 || rows < 1 || columns > imageWidth || rows > imageHeight)
        {
            throw new ArgumentOutOfRangeException(nameof(columns),
                $"A {columns}x{rows} grid does not partition a {imageWidth}x{imageHeight} image (1 to one cell per pixel).");
        }

        ImageWidth = imageWidth;
        ImageHeight = imageHeight;
        Columns = columns;
        Rows = rows;
    }

    public int ImageWidth { get; }

    public int ImageHeight { get; }

    public int Columns { get; }

    public int Rows { get; }

    public int CellCount => Columns * Rows;

    /// <summary>First image column of cell column <paramref name="i"/> (0 ≤ i ≤ Columns; i = Columns gives W).</summary>
    public int ColumnStart(int i) => (int)((long)i * ImageWidth / Columns);

    /// <summary>First image row of cell row <paramref name="j"/> (0 ≤ j ≤ Rows; j = Rows gives H).</summary>
    public int RowStart(int j) => (int)((long)j * ImageHeight / Rows);

    /// <summary>The cell column holding image column <paramref name="x"/>: the largest i with ColumnStart(i) ≤ x.</summary>
    public int ColumnOf(int x) => (int)(((long)(x + 1) * Columns - 1) / ImageWidth);

    /// <summary>The cell row holding image row <paramref name="y"/>.</summary>
    public int RowOf(int y) => (int)(((long)(y + 1) * Rows - 1) / ImageHeight);

    /// <summary>Pixels in cell (i, j).</summary>
    public int CellArea(int i, int j) => (ColumnStart(i + 1) - ColumnStart(i)) * (RowStart(j + 1) - RowStart(j));

    /// <summary>D: the mean of a full-resolution plane (row-major, W·H values) over each cell, row-major.</summary>
    public float[] BoxAverage(ReadOnlySpan<float> plane)
    {
        if (plane.Length != ImageWidth * ImageHeight)
        {
            throw new ArgumentException($"Expected {ImageWidth * ImageHeight} samples, got {plane.Length}.", nameof(plane));
        }

        var sums = new double[CellCount];
        for (int y = 0; y < ImageHeight; y++)
        {
            int rowCells = RowOf(y) * Columns;
            int i = y * ImageWidth;
            for (int cx = 0; cx < Columns; cx++)
            {
                int end = ColumnStart(cx + 1);
                double sum = 0;
                for (int x = ColumnStart(cx); x < end; x++)
                {
                    sum += plane[i + x];
                }

                sums[rowCells + cx] += sum;
            }
        }

        var means = new float[CellCount];
        for (int j = 0; j < Rows; j++)
        {
            for (int i = 0; i < Columns; i++)
            {
                means[j * Columns + i] = (float)(sums[j * Columns + i] / CellArea(i, j));
            }
        }

        return means;
    }

    public bool Equals(LayerGrid? other) =>
        other is not null && other.ImageWidth == ImageWidth && other.ImageHeight == ImageHeight && other.Columns == Columns && other.Rows == Rows;

    public override bool Equals(object? obj) => Equals(obj as LayerGrid);

    public override int GetHashCode() => HashCode.Combine(ImageWidth, ImageHeight, Columns, Rows);

    public override string ToString() => $"{Columns}x{Rows} cells over {ImageWidth}x{ImageHeight}";
}

/// <summary>
/// The colour layer's geometry: luma on one grid, both chroma planes on another (usually coarser), over the same
/// image. The layer's coder and the Paint decoder agree on nothing else about the layer's shape.
/// </summary>
public sealed record ColorLayerGrid
{
    public ColorLayerGrid(LayerGrid luma, LayerGrid chroma)
    {
        ArgumentNullException.ThrowIfNull(luma);
        ArgumentNullException.ThrowIfNull(chroma);
        if (luma.ImageWidth != chroma.ImageWidth || luma.ImageHeight != chroma.ImageHeight)
        {
            throw new ArgumentException("The luma and chroma grids cover images of different sizes.", nameof(chroma));
        }

        Luma = luma;
        Chroma = chroma;
    }

    public LayerGrid Luma { get; }

    public LayerGrid Chroma { get; }

    public int ImageWidth => Luma.ImageWidth;

    public int ImageHeight => Luma.ImageHeight;

    /// <summary>Luma at lumaColumns x lumaRows, chroma at chromaColumns x chromaRows (each capped at the image size).</summary>
    public static ColorLayerGrid Create(int width, int height, int lumaColumns, int lumaRows, int chromaColumns, int chromaRows) =>
        new(new LayerGrid(width, height, Math.Min(lumaColumns, width), Math.Min(lumaRows, height)),
            new LayerGrid(width, height, Math.Min(chromaColumns, width), Math.Min(chromaRows, height)));
}
