using TextSketch.Core.Models.Torch;
using TextSketch.Core.Tests.Sketch.PiDiNet;

namespace TextSketch.Core.Tests.Models.Torch;

/// <summary>A short fixed-seed fuzz pass: mutated pickles and checkpoints only ever give TorchCheckpointException.</summary>
public sealed class TorchCheckpointFuzzTests
{
    [Fact]
    public void A_mutated_state_dict_pickle_reads_or_gives_a_checkpoint_error()
    {
        byte[] pickle = TorchZip.Read(File.ReadAllBytes(SharedPiDiNetData.Checkpoint), "archive/data.pkl");
        var random = new Random(13);
        int refused = 0;
        for (int i = 0; i < 1500; i++)
        {
            byte[] mutated = Mutate(pickle, random);
            try
            {
                RestrictedUnpickler.Load(mutated, "fuzz");
            }
            catch (TorchCheckpointException)
            {
                refused++;
            }
        }

        Assert.InRange(refused, 1, 1500);
    }

    [Fact]
    public void A_mutated_checkpoint_reads_or_gives_a_checkpoint_error()
    {
        byte[] storage = Enumerable.Range(0, 12).SelectMany(i => BitConverter.GetBytes((float)i)).ToArray();
        byte[] seed = TorchZip.Zip(
            ("c/data.pkl", PickleBytes.StateDict([("w", "FloatStorage", "0", 12, 0, [3, 4], [4, 1]), ("v", "FloatStorage", "0", 12, 2, [2, 2], [1, 3])])),
            ("c/data/0", storage),
            ("c/version", "3\n"u8.ToArray()));
        var random = new Random(17);
        int read = 0;
        for (int i = 0; i < 1500; i++)
        {
            try
            {
                TorchStateDict dict = TorchCheckpoint.ReadStateDict(new MemoryStream(Mutate(seed, random)), "fuzz");
                foreach (TorchTensor tensor in dict.Tensors)
                {
                    if (tensor.DType.IsFloatingPoint())
                    {
                        tensor.ToSingles();
                    }
                }

                read++;
            }
            catch (TorchCheckpointException)
            {
            }
        }

        Assert.InRange(read, 1, 1499);
    }

    private static byte[] Mutate(byte[] seed, Random random)
    {
        byte[] data = (byte[])seed.Clone();
        switch (random.Next(4))
        {
            case 0:
                for (int k = random.Next(1, 4); k > 0; k--)
                {
                    data[random.Next(data.Length)] = (byte)random.Next(256);
                }

                break;
            case 1:
                data = data[..random.Next(data.Length)];
                break;
            case 2:
                int bit = random.Next(data.Length * 8);
                data[bit / 8] ^= (byte)(1 << (bit % 8));
                break;
            default:
                int at = random.Next(data.Length);
                int length = random.Next(1, 16);
                data = [.. data[..at], .. data[Math.Min(data.Length, at + length)..], .. data[at..Math.Min(data.Length, at + length)]];
                break;
        }

        return data;
    }
}
