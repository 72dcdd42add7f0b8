using TextSketch.Core.Sketch;

namespace TextSketch.Core.Tests.Sketch;

/// <summary>A learned soft map's ridges, in every direction, become one-pixel lines along their crests.</summary>
public class SoftEdgeThinningTests
{
    private const int W = 64, H = 48;

    public static TheoryData<string> Ridges() => ["horizontal", "vertical", "diagonal", "anti-diagonal", "circle"];

    [Theory]
    [MemberData(nameof(Ridges))]
    public void A_soft_ridge_in_any_direction_becomes_a_line_on_its_crest(string ridge)
    {
        // A Gaussian profile across the crest (sigma 1.5 px, peak 0.95): the soft band a learned detector draws.
        var map = new float[W * H];
        for (int y = 0; y < H; y++)
        {
            for (int x = 0; x < W; x++)
            {
                double d = Distance(ridge, x, y);
                map[y * W + x] = (float)(0.95 * Math.Exp(-d * d / (2 * 1.5 * 1.5)));
            }
        }

        BitPlane sketch = SoftEdgeThinning.ToSketch(map, W, H, W, H, 0.5, 0.25, 5).Edges;

        int onCrest = 0;
        int crest = 0;
        for (int y = 2; y < H - 2; y++)
        {
            for (int x = 2; x < W - 2; x++)
            {
                if (sketch[x, y])
                {
                    Assert.True(Distance(ridge, x, y) <= 1.0, $"{ridge}: ink at ({x}, {y}) is {Distance(ridge, x, y):0.0} px off the crest\n" + Art(sketch));
                }

                if (Distance(ridge, x, y) <= 0.5)
                {
                    crest++;
                    onCrest += Near(sketch, x, y) ? 1 : 0;
                }
            }
        }

        // Every crest pixel has ink beside it, and the line is about as long as the crest (one pixel wide).
        Assert.True(crest == onCrest, $"{ridge}: {onCrest} of {crest} crest pixels have ink beside them\n" + Art(sketch));
        Assert.True(sketch.CountSet() >= crest * 0.8 && sketch.CountSet() <= crest * 1.3, $"{ridge}: {sketch.CountSet()} px for {crest} crest px\n" + Art(sketch));
    }

    [Fact]
    public void Rate_strength_is_the_fourth_power_of_the_probability()
    {
        Assert.Equal(1000, SoftEdgeThinning.RateStrength(1000));
        Assert.Equal(656, SoftEdgeThinning.RateStrength(900));
        Assert.Equal(62, SoftEdgeThinning.RateStrength(500));
        Assert.Equal(1, SoftEdgeThinning.RateStrength(1));
    }

    private static double Distance(string ridge, int x, int y) => ridge switch
    {
        "horizontal" => Math.Abs(y - 20.0),
        "vertical" => Math.Abs(x - 30.0),
        "diagonal" => Math.Abs(x - y - 10.0) / Math.Sqrt(2),
        "anti-diagonal" => Math.Abs(x + y - 60.0) / Math.Sqrt(2),
        _ => Math.Abs(Math.Sqrt((x - 32.0) * (x - 32.0) + (y - 24.0) * (y - 24.0)) - 15),
    };

    private static string Art(BitPlane p) => string.Join("\n", Enumerable.Range(0, H).Select(y => new string(Enumerable.Range(0, W).Select(x => p[x, y] ? '#' : '.').ToArray())));

    private static bool Near(BitPlane sketch, int x, int y)
    {
        for (int dy = -1; dy <= 1; dy++)
        {
            for (int dx = -1; dx <= 1; dx++)
            {
                if (sketch.GetOrZero(x + dx, y + dy) != 0)
                {
                    return true;
                }
            }
        }

        return false;
    }
}
