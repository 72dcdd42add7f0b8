using TextSketch.Core.Coding;

namespace TextSketch.Core.Tests.Coding;

public class RangeCoderTests
{
    [Fact]
    public void EmptyStreamIsZeroBytes()
    {
        Assert.Empty(new RangeEncoder().Finish());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(17)]
    [InlineData(1000)]
    [InlineData(100_000)]
    public void RandomBitsWithRandomProbabilitiesRoundTrip(int count)
    {
        var random = new Random(count);
        var bits = new int[count];
        var probabilities = new int[count];
        var encoder = new RangeEncoder();
        for (int i = 0; i < count; i++)
        {
            probabilities[i] = random.Next(-10, 70_000); // includes out-of-range values, which the coder clamps
            bits[i] = random.Next(2);
            encoder.Encode(bits[i], probabilities[i]);
        }

        byte[] stream = encoder.Finish();
        var decoder = new RangeDecoder(stream);
        for (int i = 0; i < count; i++)
        {
            Assert.Equal(bits[i], decoder.Decode(probabilities[i]));
        }

        Assert.Equal(encoder.Bits, decoder.Bits, 9);
    }

    [Fact]
    public void CertainSymbolsCostAlmostNothing()
    {
        var encoder = new RangeEncoder();
        for (int i = 0; i < 10_000; i++)
        {
            encoder.Encode(0, 1); // P(1) = 1/65536, the bit is 0
        }

        // 10,000 * -log2(65535/65536) = 0.22 bits: the stream should be one byte at most.
        Assert.True(encoder.Finish().Length <= 1);
    }

    [Fact]
    public void StreamLengthIsCloseToTheIdealCodeLength()
    {
        var random = new Random(7);
        var encoder = new RangeEncoder();
        for (int i = 0; i < 50_000; i++)
        {
            encoder.Encode(random.NextDouble() < 0.1 ? 1 : 0, 6554);
        }

        double ideal = encoder.Bits / 8;
        int actual = encoder.Finish().Length;
        Assert.InRange(actual, ideal - 2, ideal + 2);
    }

    [Fact]
    public void OutputNeverEndsInZeroByte()
    {
        for (int seed = 0; seed < 200; seed++)
        {
            var random = new Random(seed);
            var encoder = new RangeEncoder();
            int n = random.Next(1, 300);
            for (int i = 0; i < n; i++)
            {
                encoder.Encode(random.Next(2), random.Next(1, 65536));
            }

            byte[] stream = encoder.Finish();
            Assert.True(stream.Length == 0 || stream[^1] != 0);
        }
    }

    [Fact]
    public void DirectBitsRoundTrip()
    {
        var encoder = new RangeEncoder();
        encoder.EncodeDirect(0xDEADBEEF, 32);
        encoder.EncodeDirect(5, 3);
        var decoder = new RangeDecoder(encoder.Finish());
        Assert.Equal(0xDEADBEEFu, decoder.DecodeDirect(32));
        Assert.Equal(5u, decoder.DecodeDirect(3));
    }

    [Fact]
    public void FinishTwiceThrows()
    {
        var encoder = new RangeEncoder();
        encoder.Finish();
        Assert.Throws<InvalidOperationException>(() => encoder.Finish());
    }

    [Fact]
    public void GarbageInputDecodesWithoutThrowing()
    {
        var random = new Random(3);
        var data = new byte[64];
        random.NextBytes(data);
        var decoder = new RangeDecoder(data);
        for (int i = 0; i < 10_000; i++)
        {
            decoder.Decode(random.Next(1, 65536));
        }

        Assert.True(decoder.OverreadBytes > 0);
    }

    [Fact]
    public void AdaptiveIntegersRoundTrip()
    {
        uint[] values = [0, 1, 2, 3, 7, 8, 255, 256, 65535, 1_000_000, uint.MaxValue - 1, uint.MaxValue];
        var model = new AdaptiveIntegerModel(sets: 2);
        var encoder = new RangeEncoder();
        foreach (uint v in values)
        {
            model.Encode(encoder, v, set: (int)(v & 1));
        }

        model = new AdaptiveIntegerModel(sets: 2);
        var signed = new AdaptiveIntegerModel();
        int[] signedValues = [0, -1, 1, -31, 31, -32];
        foreach (int v in signedValues)
        {
            signed.EncodeSigned(encoder, v);
        }

        var decoder = new RangeDecoder(encoder.Finish());
        foreach (uint v in values)
        {
            Assert.Equal(v, model.Decode(decoder, uint.MaxValue, set: (int)(v & 1)));
        }

        signed = new AdaptiveIntegerModel();
        foreach (int v in signedValues)
        {
            Assert.Equal(v, signed.DecodeSigned(decoder, 32));
        }
    }

    [Fact]
    public void AdaptiveIntegerOverLimitIsInvalidData()
    {
        var encoder = new RangeEncoder();
        new AdaptiveIntegerModel().Encode(encoder, 1000);
        var decoder = new RangeDecoder(encoder.Finish());
        Assert.Throws<InvalidDataException>(() => new AdaptiveIntegerModel().Decode(decoder, 999));
    }

    [Fact]
    public void AdaptiveModelLearnsASkewedSource()
    {
        var random = new Random(11);
        var model = new AdaptiveBitModel(1);
        var encoder = new RangeEncoder();
        for (int i = 0; i < 20_000; i++)
        {
            model.Encode(encoder, 0, random.NextDouble() < 0.05 ? 1 : 0);
        }

        // Entropy of p = 0.05 is 0.286 bits; an adaptive estimate should stay within 10 %.
        Assert.InRange(encoder.Bits / 20_000, 0.27, 0.32);
    }
}
