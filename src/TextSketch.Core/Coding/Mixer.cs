namespace TextSketch.Core.Coding;

/// <summary>
/// Logistic mixing of several predictions (integer, PAQ style): the output is squash(sum w_i * stretch(p_i)), with
/// one weight vector per selector context, trained online to reduce coding cost. A model that is right in some
/// situations and wrong in others gets the weight it earns in each.
/// </summary>
public sealed class Mixer
{
    private readonly int _inputs;
    private readonly int[] _weights;
    private readonly int[] _stretched;
    private readonly int _learningRate;
    private int _count;
    private int _selected;
    private int _probability;

    public Mixer(int inputs, int selectors, int learningRate = 6, int initialWeight = 1 << 14)
    {
        _inputs = inputs;
        _weights = new int[inputs * selectors];
        Array.Fill(_weights, initialWeight);
        _stretched = new int[inputs];
        _learningRate = learningRate;
    }

    /// <summary>Adds the next input, a 12-bit probability of a 1.</summary>
    public void Add(int probability12) => _stretched[_count++] = Logistic.Stretch(probability12);

    /// <summary>Adds the next input already in the stretched domain.</summary>
    public void AddStretched(int stretched) => _stretched[_count++] = Math.Clamp(stretched, -2047, 2047);

    /// <summary>The mixed 12-bit probability of a 1, using the weight set of <paramref name="selector"/>.</summary>
    public int Mix(int selector)
    {
        if (_count != _inputs)
        {
            throw new InvalidOperationException($"The mixer expects {_inputs} inputs, got {_count}.");
        }

        _selected = selector * _inputs;
        long dot = 0;
        for (int i = 0; i < _inputs; i++)
        {
            dot += (long)_stretched[i] * _weights[_selected + i];
        }

        _probability = Math.Clamp(Logistic.Squash((int)(dot >> 16)), 1, 4095);
        return _probability;
    }

    /// <summary>Trains the selected weights on the coded bit and clears the inputs.</summary>
    public void Update(int bit)
    {
        int error = ((bit << 12) - _probability) * _learningRate;
        for (int i = 0; i < _inputs; i++)
        {
            _weights[_selected + i] += (_stretched[i] * error + (1 << 9)) >> 10;
        }

        _count = 0;
    }
}
