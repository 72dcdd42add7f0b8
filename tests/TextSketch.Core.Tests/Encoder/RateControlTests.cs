using TextSketch.Core.Format;
using TextSketch.Core.Encoder;
using TextSketch.Core.Sketch;
using TextSketch.Core.Tests.Support;

namespace TextSketch.Core.Tests.Encoder;

public class RateControlTests
{
    private static readonly Lazy<ImageAnalysis> Busy = new(() =>
    {
        // Many shapes, so the full sketch is far over any small budget.
        var random = new Random(4);
        var image = TestImages.Scene(768, 512, 8);
        for (int k = 0; k < 150; k++)
        {
            int x0 = random.Next(740), y0 = random.Next(480), size = random.Next(20, 60);
            byte v = (byte)random.Next(256);
            for (int y = y0; y < Math.Min(512, y0 + size); y++)
            {
                for (int x = x0; x < Math.Min(768, x0 + size); x++)
                {
                    image.Set(x, y, v, (byte)(255 - v), v);
                }
            }
        }

        // A detector tuned to keep far more edges than the default, so the full sketch is over every budget tried.
        var dense = EncoderOptions.Default with { Sketch = SketchOptions.Default with { StrongEdgePermille = 200, WeakThresholdPercent = 30, MinComponentPixels = 4 } };
        return TextSketchEncoder.Analyse(image, "a busy test pattern of squares", Caption.CaptionSource.Explicit, dense);
    });

    [Theory]
    [InlineData(60)]
    [InlineData(100)]
    [InlineData(150)]
    [InlineData(200)]
    [InlineData(295)]
    [InlineData(500)]
    public void MaxBytesIsNeverExceeded(int budget)
    {
        TskRecord record = RateControl.Code(Busy.Value, TextSketchMode.TextSketch, budget, SketchOptions.Default.MinComponentPixels);
        Assert.True(record.Bytes.Length <= budget, $"{record.Bytes.Length} > {budget}");
        Assert.Equal(record.Bytes, TskFile.Read(record.Bytes, "r.tsk").Bytes);
        // The budget is used, not wasted: what the sketch leaves, the colour layer takes, so the record comes close to it.
        if (budget >= 150)
        {
            Assert.True(record.Bytes.Length >= budget - 24, $"{record.Bytes.Length} for {budget}");
        }
    }

    [Fact]
    public void SketchShrinksMonotonicallyWithTheBudget()
    {
        int previous = int.MaxValue;
        foreach (int budget in new[] { 400, 300, 200, 120, 80 })
        {
            int edges = RateControl.Code(Busy.Value, TextSketchMode.TextSketch, budget, 16).Document.Sketch!.Bitmap.CountSet();
            Assert.True(edges <= previous, $"{edges} edges at {budget} bytes after {previous}");
            previous = edges;
        }
    }

    [Fact]
    public void TinyBudgetDropsTheColourBeforeFailing()
    {
        TskRecord withColour = RateControl.Code(Busy.Value, TextSketchMode.TextSketch, 200, 16);
        Assert.NotNull(withColour.Document.ColorLayer);
        int captionOnly = TskFile.Write(Busy.Value.ToDocument(TextSketchMode.Text)).Bytes.Length;
        TskRecord tight = RateControl.Code(Busy.Value, TextSketchMode.TextSketch, captionOnly + 8, 16);
        Assert.Null(tight.Document.ColorLayer);
        Assert.True(tight.Bytes.Length <= captionOnly + 8);
    }

    [Fact]
    public void BudgetBelowTheCaptionIsAClearError()
    {
        BudgetTooSmallException e = Assert.Throws<BudgetTooSmallException>(() => RateControl.Code(Busy.Value, TextSketchMode.TextSketch, 12, 16));
        Assert.Equal("BudgetTooSmall", e.ErrorId);
        Assert.Contains("-MaxBytes 12", e.Message);
        Assert.Throws<BudgetTooSmallException>(() => RateControl.Code(Busy.Value, TextSketchMode.Text, 10, 16));
    }

    [Fact]
    public void ATextRecordTooLargeIsNotToldToUseTextModeAndHearsTheSmallestBudget()
    {
        int needed = TskFile.Write(Busy.Value.ToDocument(TextSketchMode.Text)).Bytes.Length;
        BudgetTooSmallException e = Assert.Throws<BudgetTooSmallException>(() => RateControl.Code(Busy.Value, TextSketchMode.Text, needed - 1, 16));
        Assert.Equal($"-MaxBytes {needed - 1} is too small: the header and caption alone need {needed} bytes. Shorten the caption or use -MaxBytes {needed} or more.", e.Message);
        Assert.DoesNotContain("-Mode", e.Message);
        Assert.Equal(needed, e.Needed);
        Assert.Equal(needed, RateControl.Code(Busy.Value, TextSketchMode.Text, needed, 16).Bytes.Length);

        // Without a caption there is nothing to shorten.
        ImageAnalysis silent = Busy.Value with { Caption = null, CaptionSource = Caption.CaptionSource.None };
        int header = TskFile.Write(silent.ToDocument(TextSketchMode.Text)).Bytes.Length;
        e = Assert.Throws<BudgetTooSmallException>(() => RateControl.Code(silent, TextSketchMode.Text, header - 1, 16));
        Assert.EndsWith($"Use -MaxBytes {header} or more.", e.Message);
    }

    [Fact]
    public void ATextSketchRecordTooLargeHearsTextModeOnlyWhenItFitsAndTheSmallestBudget()
    {
        int text = TskFile.Write(Busy.Value.ToDocument(TextSketchMode.Text)).Bytes.Length;
        int bare = TskFile.Write(Busy.Value.ToDocument(TextSketchMode.TextSketch, new BitPlane(Busy.Value.Sketch!.Edges.Width, Busy.Value.Sketch.Edges.Height))).Bytes.Length;
        Assert.True(bare > text, $"{bare} <= {text}");

        BudgetTooSmallException fits = Assert.Throws<BudgetTooSmallException>(() => RateControl.Code(Busy.Value, TextSketchMode.TextSketch, bare - 1, 16));
        Assert.Equal(bare, fits.Needed);
        Assert.Contains($"use -Mode Text (a caption-only record of {text} bytes fits)", fits.Message);
        Assert.EndsWith($"or use -MaxBytes {bare} or more.", fits.Message);
        Assert.True(RateControl.Code(Busy.Value, TextSketchMode.TextSketch, bare, 16).Bytes.Length <= bare);

        BudgetTooSmallException neither = Assert.Throws<BudgetTooSmallException>(() => RateControl.Code(Busy.Value, TextSketchMode.TextSketch, text - 1, 16));
        Assert.DoesNotContain("-Mode Text", neither.Message);
        Assert.EndsWith($"Shorten the caption or use -MaxBytes {bare} or more.", neither.Message);
    }

    [Theory]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public void TheLastFewBytesBuyAColourLayerWhenTheStreamEndingLeavesThemFree(int spare)
    {
        // A smooth scene: its smallest colour layer costs about six bytes, so a budget six bytes over the floor sketch
        // holds one once the byte kept for the stream's ending is not needed.
        ImageAnalysis analysis = TextSketchEncoder.Analyse(TestImages.Scene(768, 512, 2), "a scene", Caption.CaptionSource.Explicit, EncoderOptions.Default);
        var ladder = new SketchLadder(analysis.Sketch!, analysis.SketchReference, SketchOptions.Default.MinComponentPixels);
        int sketchOnly = analysis.Write(analysis.ToDocument(TextSketchMode.TextSketch, ladder.Floor(RateControl.MinimumSketchFidelity).Sketch)).Bytes.Length;
        int budget = sketchOnly + spare;

        TskRecord record = RateControl.Code(analysis, TextSketchMode.TextSketch, budget, SketchOptions.Default.MinComponentPixels);
        Assert.NotNull(record.Document.ColorLayer);
        Assert.InRange(record.Bytes.Length, sketchOnly + 1, budget);
        Assert.Equal(record.Bytes, RateControl.Code(analysis, TextSketchMode.TextSketch, budget, SketchOptions.Default.MinComponentPixels).Bytes);
    }

    [Fact]
    public void DefaultBudgetGivesAtMost295BytesFor768x512()
    {
        TskRecord record = RateControl.Code(Busy.Value, TextSketchMode.TextSketch, null, 16);
        Assert.InRange(record.Bytes.Length, 200, 295);
    }

    [Fact]
    public void WithoutAHardBudgetALongCaptionStillLeavesASketch()
    {
        ImageAnalysis wordy = Busy.Value with { Caption = string.Join(' ', Enumerable.Repeat("a very long caption that goes on", 20)) };
        TskRecord record = RateControl.Code(wordy, TextSketchMode.TextSketch, null, 16);
        Assert.True(record.SketchBytes.Length >= RateControl.MinimumSketchBytes - 8, $"{record.SketchBytes.Length} sketch bytes");
    }
}
