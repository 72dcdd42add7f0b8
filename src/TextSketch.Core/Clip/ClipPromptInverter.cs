using TextSketch.Core.Caption;
using TextSketch.Core.Imaging;
using TextSketch.Core.Text;

namespace TextSketch.Core.Clip;

/// <summary>The prompt a search found, with how well it matches the image and what it cost.</summary>
public sealed record PromptInversionResult(int[] Tokens, string Text, double Similarity, int Evaluations);

/// <summary>
/// Prompt inversion without gradients and without randomness (the paper's PIC idea, PEZ replaced by a discrete
/// search): CLIP's vocabulary is narrowed to the words whose one-word prompt is closest to the image, then a
/// fixed-length prompt is built greedily left to right and improved by coordinate ascent (each position tries each
/// shortlisted word, keeping the best image-text cosine), until a pass changes nothing or the evaluation budget is
/// spent. The budget counts text-model evaluations rather than seconds so the result never depends on machine
/// speed or load. Thread-safe; the one-word embeddings are computed once per instance.
/// </summary>
public sealed class ClipPromptInverter : ICaptioner
{
    public const int DefaultPromptTokens = 16;

    private readonly ClipEncoder _clip;
    private readonly Lazy<(int[] Ids, float[][] Embeddings)> _words;
    private readonly int _shortlist;
    private readonly int _candidateLimit;
    private readonly int _batch;

    public ClipPromptInverter(ClipEncoder clip, int promptTokens = DefaultPromptTokens, int? maxEvaluations = null)
    {
        ArgumentNullException.ThrowIfNull(clip);
        _clip = clip;
        int longest = clip.MaxTextTokens - 2;
        if (promptTokens < 1 || promptTokens > longest)
        {
            throw new TextSketchException("PromptTokensOutOfRange", $"-PromptTokens must be between 1 and {longest} for the pack '{clip.Name}'.");
        }

        PromptTokens = promptTokens;
        _shortlist = Math.Clamp(clip.Settings.Int("inversionShortlist", 48), 1, 4096);
        _candidateLimit = Math.Max(1, clip.Settings.Int("inversionCandidateLimit", 20000));
        _batch = Math.Clamp(clip.Settings.Int("inversionBatch", 64), 1, 1024);
        MaxEvaluations = maxEvaluations ?? Math.Max(1, clip.Settings.Int("inversionMaxEvaluations", 4096));
        _words = new Lazy<(int[], float[][])>(EmbedWords, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public string Name => _clip.Name;

    /// <summary>The prompts are token sequences of the pack's CLIP vocabulary.</summary>
    public ClipTokenizer? TokenVocabulary => _clip.Tokenizer;

    public int PromptTokens { get; }

    /// <summary>Text-model evaluations allowed per image (after the one-time vocabulary pass).</summary>
    public int MaxEvaluations { get; }

    public string? Caption(RgbImage image, CancellationToken cancellationToken = default) =>
        CaptionText.CleanModel(Invert(image, cancellationToken).Text);

    public PromptInversionResult Invert(RgbImage image, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        float[] target = _clip.EmbedImage(image);
        (int[] words, float[][] wordEmbeddings) = _words.Value;
        if (words.Length == 0)
        {
            return new PromptInversionResult([], string.Empty, 0, 0);
        }

        // Shortlist: best one-word prompts; ties by id so the order is total.
        int[] shortlist = Enumerable.Range(0, words.Length)
            .Select(i => (Id: words[i], Score: ClipEncoder.Cosine(target, wordEmbeddings[i])))
            .OrderByDescending(p => p.Score).ThenBy(p => p.Id)
            .Take(_shortlist).Select(p => p.Id).ToArray();

        int evaluations = 0;
        var prompt = new List<int>();
        double best = double.NegativeInfinity;

        // Greedy left-to-right fill.
        while (prompt.Count < PromptTokens && evaluations < MaxEvaluations)
        {
            cancellationToken.ThrowIfCancellationRequested();
            (int token, double score) = BestAt(prompt, prompt.Count, insert: true, shortlist, target, ref evaluations);
            prompt.Add(token);
            best = score;
        }

        // Coordinate ascent until a full pass improves nothing.
        bool improved = true;
        while (improved && evaluations < MaxEvaluations)
        {
            improved = false;
            for (int position = 0; position < prompt.Count && evaluations < MaxEvaluations; position++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                (int token, double score) = BestAt(prompt, position, insert: false, shortlist, target, ref evaluations);
                if (score > best && token != prompt[position])
                {
                    prompt[position] = token;
                    best = score;
                    improved = true;
                }
            }
        }

        int[] tokens = prompt.ToArray();
        return new PromptInversionResult(tokens, _clip.Tokenizer.Decode(tokens), best, evaluations);
    }

    /// <summary>The shortlisted token that scores best at <paramref name="position"/> (appended or replacing), within the budget.</summary>
    private (int Token, double Score) BestAt(List<int> prompt, int position, bool insert, int[] shortlist, float[] target, ref int evaluations)
    {
        int bestToken = insert ? shortlist[0] : prompt[position];
        double bestScore = double.NegativeInfinity;
        int allowed = Math.Min(shortlist.Length, MaxEvaluations - evaluations);
        for (int start = 0; start < allowed; start += _batch)
        {
            int count = Math.Min(_batch, allowed - start);
            var sequences = new int[count][];
            for (int i = 0; i < count; i++)
            {
                var candidate = new List<int>(prompt);
                if (insert)
                {
                    candidate.Insert(position, shortlist[start + i]);
                }
                else
                {
                    candidate[position] = shortlist[start + i];
                }

                sequences[i] = [_clip.Tokenizer.BeginOfText, .. candidate, _clip.Tokenizer.EndOfText];
            }

            float[][] embeddings = _clip.EmbedTokenSequences(sequences);
            evaluations += count;
            for (int i = 0; i < count; i++)
            {
                double score = ClipEncoder.Cosine(target, embeddings[i]);
                if (score > bestScore)
                {
                    bestScore = score;
                    bestToken = shortlist[start + i];
                }
            }
        }

        return (bestToken, bestScore);
    }

    /// <summary>The candidate words (whole-word vocabulary entries of two or more letters) and their one-word prompt embeddings.</summary>
    private (int[] Ids, float[][] Embeddings) EmbedWords()
    {
        var ids = new List<int>();
        for (int id = 0; id < _clip.Tokenizer.VocabularySize && ids.Count < _candidateLimit; id++)
        {
            if (id == _clip.Tokenizer.BeginOfText || id == _clip.Tokenizer.EndOfText)
            {
                continue;
            }

            // Whole words only, so the decoded caption re-tokenises to the same prompt: a word-final token decodes
            // twice in a row with a space between ("cat cat"), a word piece without ("caca"). Only the agreed
            // tokenizer API (Decode) is used, so any ClipTokenizer with it works here.
            string word = _clip.Tokenizer.Decode([id]);
            if (word.Length >= 2 && word.All(c => c is >= 'a' and <= 'z') && _clip.Tokenizer.Decode([id, id]) == word + " " + word)
            {
                ids.Add(id);
            }
        }

        var embeddings = new List<float[]>(ids.Count);
        for (int start = 0; start < ids.Count; start += _batch)
        {
            int count = Math.Min(_batch, ids.Count - start);
            var sequences = new int[count][];
            for (int i = 0; i < count; i++)
            {
                sequences[i] = [_clip.Tokenizer.BeginOfText, ids[start + i], _clip.Tokenizer.EndOfText];
            }

            embeddings.AddRange(_clip.EmbedTokenSequences(sequences));
        }

        return (ids.ToArray(), embeddings.ToArray());
    }
}
