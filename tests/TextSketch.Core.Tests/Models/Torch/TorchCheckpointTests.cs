using System.Buffers.Binary;
using System.Text;
using TextSketch.Core.Models;
using TextSketch.Core.Models.Torch;
using TextSketch.Core.Sketch.PiDiNet;
using TextSketch.Core.Tests.Sketch.PiDiNet;

namespace TextSketch.Core.Tests.Models.Torch;

public sealed class TorchCheckpointTests
{
    private static readonly Lazy<byte[]> Real = new(() => File.ReadAllBytes(SharedPiDiNetData.Checkpoint));

    [Fact]
    public void The_authors_checkpoint_reads_as_the_table5_state_dict()
    {
        TorchStateDict dict = TorchCheckpoint.ReadStateDict(SharedPiDiNetData.Checkpoint);

        Assert.Equal(83, dict.Tensors.Count);
        Assert.Equal("init_block.weight", dict.Tensors[0].Name); // the "module." prefix is gone
        Assert.All(dict.Tensors, t => Assert.Equal(TorchDType.Float32, t.DType));
        Assert.Equal([60L, 3, 3, 3], dict["init_block.weight"].Shape);
        Assert.Equal([27L, 9, 3, 1], dict["init_block.weight"].Strides);
        PiDiNetArchitecture.Table5.Schema.Check(dict);
        Assert.All(dict.Tensors, t => Assert.All(t.ToSingles(), v => Assert.True(float.IsFinite(v))));
    }

    [Theory]
    [InlineData(0.999)]
    [InlineData(0.5)]
    [InlineData(0.01)]
    public void A_truncated_checkpoint_is_corrupt(double keep)
    {
        byte[] truncated = Real.Value[..(int)(Real.Value.Length * keep)];
        TorchCheckpointException e = Assert.Throws<TorchCheckpointException>(() => Read(truncated));
        Assert.Equal(TorchCheckpointException.Corrupt, e.ErrorId);
        Assert.Contains("damaged", e.Message);
    }

    [Fact]
    public void A_flipped_bit_in_a_storage_fails_its_crc()
    {
        byte[] storage = TorchZip.Read(Real.Value, "archive/data/17");
        int at = IndexOf(Real.Value, storage.AsSpan(0, 64)) + 1000;
        byte[] damaged = Real.Value.ToArray();
        damaged[at] ^= 0x10;

        TorchCheckpointException e = Assert.Throws<TorchCheckpointException>(() => Read(damaged));
        Assert.Equal(TorchCheckpointException.Corrupt, e.ErrorId);
        Assert.Contains("archive/data/17", e.Message);
        Assert.Contains("CRC", e.Message);
    }

    [Fact]
    public void A_file_that_is_not_a_zip_is_corrupt()
    {
        // A legacy (pre-1.6) torch.save file is a bare pickle stream, no zip.
        byte[] bare = new PickleBytes().Op((byte)'}').Stop();
        Assert.Equal(TorchCheckpointException.Corrupt, Assert.Throws<TorchCheckpointException>(() => Read(bare)).ErrorId);
        Assert.Equal(TorchCheckpointException.Corrupt, Assert.Throws<TorchCheckpointException>(() => Read([])).ErrorId);
    }

    [Fact]
    public void A_zip_without_a_pickle_is_foreign()
    {
        byte[] zip = TorchZip.Zip(("photos/readme.txt", "hello"u8.ToArray()));
        TorchCheckpointException e = Assert.Throws<TorchCheckpointException>(() => Read(zip));
        Assert.Equal(TorchCheckpointException.Foreign, e.ErrorId);
        Assert.Contains("data.pkl", e.Message);
    }

    public static TheoryData<string, byte[], string> ForeignPickles()
    {
        string marker = Path.Combine(Path.GetTempPath(), "textsketch-pickle-ran");
        return new()
        {
            // os.system("touch <marker>"): the classic; refused at the GLOBAL, before its argument is even read.
            { "os.system", new PickleBytes().Global("os", "system").String($"touch {marker}").Op(0x85, (byte)'R').Stop(), "'os.system'" },
            // builtins.eval through protocol 4's STACK_GLOBAL.
            { "eval", new PickleBytes().String("builtins").String("eval").Op(0x93).String("1").Op(0x85, (byte)'R').Stop(), "'builtins.eval'" },
            // torch.load would also call torch globals; only the few a state_dict names are allowed.
            { "torch.load", new PickleBytes().Global("torch", "load").Stop(), "'torch.load'" },
            // INST builds an instance of a named class.
            { "INST", new PickleBytes().Mark().Op((byte)'i').Op(Encoding.ASCII.GetBytes("os\nsystem\n")).Stop(), "INST" },
            // NEWOBJ (cls.__new__) on an allowed name is still an object-building opcode.
            { "NEWOBJ", new PickleBytes().Global("collections", "OrderedDict").Op((byte)')', 0x81).Stop(), "NEWOBJ" },
            // An allowed callable with arguments a state_dict never passes.
            { "OrderedDict(args)", new PickleBytes().Global("collections", "OrderedDict").Op((byte)']', 0x85, (byte)'R').Stop(), "collections.OrderedDict" },
            // BUILD on something other than an OrderedDict would set an object's state (__setstate__).
            { "BUILD", new PickleBytes().Op((byte)']', (byte)'}', (byte)'b').Stop(), "BUILD" },
        };
    }

    [Theory]
    [MemberData(nameof(ForeignPickles))]
    public void A_foreign_pickle_is_refused_and_nothing_runs(string what, byte[] pickle, string named)
    {
        string marker = Path.Combine(Path.GetTempPath(), "textsketch-pickle-ran");
        File.Delete(marker);
        byte[] zip = TorchZip.Replace(Real.Value, ("archive/data.pkl", pickle));

        TorchCheckpointException e = Assert.Throws<TorchCheckpointException>(() => Read(zip));

        Assert.True(e.ErrorId == TorchCheckpointException.Foreign, $"{what}: {e.ErrorId} {e.Message}");
        Assert.Contains(named, e.Message);
        Assert.Contains("nothing in it was run", e.Message);
        Assert.False(File.Exists(marker));
        Assert.IsAssignableFrom<ModelPackException>(e);
    }

    [Fact]
    public void A_damaged_pickle_is_corrupt()
    {
        byte[] pickle = TorchZip.Read(Real.Value, "archive/data.pkl");
        foreach (byte[] damaged in new[] { pickle[..^1], pickle[..(pickle.Length / 2)], new PickleBytes().Op((byte)'h', 7).Stop() })
        {
            byte[] zip = TorchZip.Replace(Real.Value, ("archive/data.pkl", damaged));
            Assert.Equal(TorchCheckpointException.Corrupt, Assert.Throws<TorchCheckpointException>(() => Read(zip)).ErrorId);
        }
    }

    [Fact]
    public void Strided_views_offsets_and_shared_storages_read_in_row_major_order()
    {
        // One storage 0..11 (float32); "t" is its 3x4 view transposed (shape [4,3], strides [1,4]); "tail" starts at
        // element 6 with shape [2,3]; "one" is element 11 as a scalar.
        byte[] storage = Floats(Enumerable.Range(0, 12).Select(i => (float)i));
        byte[] pickle = PickleBytes.StateDict(
        [
            ("t", "FloatStorage", "0", 12, 0, [4, 3], [1, 4]),
            ("tail", "FloatStorage", "0", 12, 6, [2, 3], [3, 1]),
            ("one", "FloatStorage", "0", 12, 11, [], []),
        ]);
        TorchStateDict dict = Read(TorchZip.Zip(("ckpt/data.pkl", pickle), ("ckpt/data/0", storage)));

        Assert.Equal([0f, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11], dict["t"].ToSingles());
        Assert.Equal([6f, 7, 8, 9, 10, 11], dict["tail"].ToSingles());
        Assert.Equal([11f], dict["one"].ToSingles());
    }

    [Fact]
    public void Half_bfloat16_double_and_big_endian_storages_convert_to_float()
    {
        float[] values = [1f, -2.5f, 0.375f];
        byte[] half = values.SelectMany(v => { var b = new byte[2]; BinaryPrimitives.WriteHalfLittleEndian(b, (Half)v); return b; }).ToArray();
        byte[] bf16 = values.SelectMany(v => BitConverter.GetBytes((ushort)(BitConverter.SingleToInt32Bits(v) >> 16))).ToArray();
        byte[] dbl = values.SelectMany(v => BitConverter.GetBytes((double)v)).ToArray();
        byte[] pickle = PickleBytes.StateDict(
        [
            ("h", "HalfStorage", "0", 3, 0, [3], [1]),
            ("b", "BFloat16Storage", "1", 3, 0, [3], [1]),
            ("d", "DoubleStorage", "2", 3, 0, [3], [1]),
        ], nested: false);
        TorchStateDict dict = Read(TorchZip.Zip(("x/data.pkl", pickle), ("x/data/0", half), ("x/data/1", bf16), ("x/data/2", dbl)));
        Assert.Equal(values, dict["h"].ToSingles());
        Assert.Equal(values, dict["b"].ToSingles());
        Assert.Equal(values, dict["d"].ToSingles());

        byte[] bigEndian = values.SelectMany(v => { var b = new byte[4]; BinaryPrimitives.WriteSingleBigEndian(b, v); return b; }).ToArray();
        byte[] big = TorchZip.Zip(("x/data.pkl", PickleBytes.StateDict([("f", "FloatStorage", "0", 3, 0, [3], [1])])),
            ("x/data/0", bigEndian), ("x/byteorder", "big"u8.ToArray()));
        Assert.Equal(values, Read(big)["f"].ToSingles());
    }

    [Fact]
    public void A_view_past_its_storage_or_a_short_storage_is_corrupt()
    {
        byte[] storage = Floats([1, 2, 3, 4]);
        byte[] past = TorchZip.Zip(("x/data.pkl", PickleBytes.StateDict([("a", "FloatStorage", "0", 4, 2, [3], [1])])), ("x/data/0", storage));
        Assert.Contains("reaches element 4", Assert.Throws<TorchCheckpointException>(() => Read(past)).Message);

        byte[] shortStorage = TorchZip.Zip(("x/data.pkl", PickleBytes.StateDict([("a", "FloatStorage", "0", 5, 0, [5], [1])])), ("x/data/0", storage));
        TorchCheckpointException e = Assert.Throws<TorchCheckpointException>(() => Read(shortStorage));
        Assert.Equal(TorchCheckpointException.Corrupt, e.ErrorId);
        Assert.Contains("holds 16 bytes", e.Message);

        byte[] missing = TorchZip.Zip(("x/data.pkl", PickleBytes.StateDict([("a", "FloatStorage", "9", 4, 0, [4], [1])])), ("x/data/0", storage));
        Assert.Contains("x/data/9", Assert.Throws<TorchCheckpointException>(() => Read(missing)).Message);
    }

    [Fact]
    public void The_schema_names_every_missing_unexpected_and_misshapen_tensor()
    {
        byte[] storage = Floats(new float[6]);
        byte[] pickle = PickleBytes.StateDict(
        [
            ("a", "FloatStorage", "0", 6, 0, [2, 3], [3, 1]),
            ("c", "FloatStorage", "0", 6, 0, [6], [1]),
            ("d", "FloatStorage", "0", 6, 0, [3, 2], [2, 1]),
        ]);
        TorchStateDict dict = Read(TorchZip.Zip(("x/data.pkl", pickle), ("x/data/0", storage)));
        StateDictSchema schema = new StateDictSchema("a test layout").Add("a", 2, 3).Add("b", 4).Add("d", 2, 3);

        TorchCheckpointException e = Assert.Throws<TorchCheckpointException>(() => schema.Check(dict));

        Assert.Equal(TorchCheckpointException.Mismatch, e.ErrorId);
        Assert.Contains("a test layout", e.Message);
        Assert.Contains("'b' [4] is missing", e.Message);
        Assert.Contains("'c' [6] is not part of it", e.Message);
        Assert.Contains("'d' has the shape [3,2], expected [2,3]", e.Message);
        Assert.DoesNotContain("'a'", e.Message);
    }

    [Fact]
    public void A_pidinet_checkpoint_with_a_wrong_shape_is_named_and_not_converted()
    {
        // Re-declare module.init_block.weight as [59,3,3,3] (it still fits its storage): the pickle's first shape tuple.
        byte[] pickle = TorchZip.Read(Real.Value, "archive/data.pkl");
        byte[] shape = [(byte)'(', (byte)'K', 60, (byte)'K', 3, (byte)'K', 3, (byte)'K', 3, (byte)'t'];
        int at = IndexOf(pickle, shape);
        pickle[at + 2] = 59;
        byte[] zip = TorchZip.Replace(Real.Value, ("archive/data.pkl", pickle));

        TorchCheckpointException e = Assert.Throws<TorchCheckpointException>(() => PiDiNetConverter.Convert(new MemoryStream(zip), "patched.pth"));

        Assert.Equal(TorchCheckpointException.Mismatch, e.ErrorId);
        Assert.Contains("'init_block.weight' has the shape [59,3,3,3], expected [60,3,3,3]", e.Message);
        Assert.Contains("patched.pth", e.Message);
    }

    private static TorchStateDict Read(byte[] bytes) => TorchCheckpoint.ReadStateDict(new MemoryStream(bytes), "test.pth");

    private static byte[] Floats(IEnumerable<float> values) => values.SelectMany(BitConverter.GetBytes).ToArray();

    private static int IndexOf(byte[] haystack, ReadOnlySpan<byte> needle)
    {
        int at = haystack.AsSpan().IndexOf(needle);
        Assert.True(at >= 0, "pattern not found");
        return at;
    }
}
