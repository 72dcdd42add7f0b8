using TextSketch.Core.Decoding.Diffusion;
using TextSketch.Core.Decoding.Preview;

namespace TextSketch.Core.Decoding;

/// <summary>Why a decoder cannot run with the options given, and what would make it run.</summary>
public sealed record DecoderUnavailable(string Reason, string Remedy);

/// <summary>A decoder the registry knows: its names, what it is, whether it can run with given options, and how to
/// make one. Opening is cheap; <see cref="ITskDecoder.Prepare"/> loads what it needs.</summary>
public sealed record TskDecoderEntry(
    string Name,
    string Description,
    Func<DecodeOptions, DecoderUnavailable?> Availability,
    Func<DecodeOptions, ITskDecoder> Open)
{
    /// <summary>Other names that select it (names it had before).</summary>
    public IReadOnlyList<string> Aliases { get; init; } = [];

    /// <summary>Whether it needs model weights (Auto warns when it falls back from such a decoder to one without).</summary>
    public bool NeedsWeights { get; init; }

    public bool Answers(string name) =>
        string.Equals(Name, name, StringComparison.OrdinalIgnoreCase) || Aliases.Any(a => string.Equals(a, name, StringComparison.OrdinalIgnoreCase));
}

/// <summary>The decoder a name selects, and the warning Auto owes the user when it fell back (null when none).</summary>
public sealed record TskDecoderChoice(TskDecoderEntry Entry, string? FallbackWarning);

/// <summary>
/// Every decoder, in Auto's order of preference, and the one selection rule: a name selects its decoder; Auto
/// selects the first decoder that can run with the options (Diffusion when a diffusion pack is installed or
/// -ModelPack names one), and when that means falling back from a decoder that needs weights, says so once. A new
/// decoder is one class and one line in <see cref="All"/>.
/// </summary>
public static class TskDecoders
{
    public const string Auto = "Auto";

    public static IReadOnlyList<TskDecoderEntry> All { get; } =
    [
        DiffusionDecoder.Entry,
        PreviewDecoder.Entry,
    ];

    /// <summary>The weight-free decoder: the first in Auto's order that needs no weights — what Auto falls back to,
    /// and whose reconstruction of a record the diffusion decoder's img2img start encodes.</summary>
    public static TskDecoderEntry WeightFree => All.First(e => !e.NeedsWeights);

    /// <summary>Auto and every decoder's name, as users may write them.</summary>
    public static IReadOnlyList<string> Names { get; } = [Auto, .. All.Select(e => e.Name)];

    /// <summary>The decoder <see cref="DecodeOptions.Decoder"/> selects (see the class summary for Auto's rule).</summary>
    public static TskDecoderChoice Choose(DecodeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!string.Equals(options.Decoder, Auto, StringComparison.OrdinalIgnoreCase))
        {
            TskDecoderEntry entry = All.FirstOrDefault(e => e.Answers(options.Decoder))
                ?? throw new ArgumentException($"There is no decoder named '{options.Decoder}'. Decoders: {string.Join(", ", Names)}.", nameof(options));
            return new TskDecoderChoice(entry, null);
        }

        (TskDecoderEntry Entry, DecoderUnavailable Why)? skipped = null;
        foreach (TskDecoderEntry entry in All)
        {
            if (entry.Availability(options) is not { } why)
            {
                string? warning = skipped is { } s && s.Entry.NeedsWeights && !entry.NeedsWeights
                    ? $"{s.Why.Reason}, so images come from the {entry.Name} decoder ({entry.Description}). {s.Why.Remedy}. Use -Decoder {entry.Name} to silence this warning."
                    : null;
                return new TskDecoderChoice(entry, warning);
            }

            skipped ??= (entry, why);
        }

        throw new InvalidOperationException("No decoder can run; the weight-free decoder always can.");
    }

    /// <summary>The decoder <paramref name="options"/> select, opened (not yet prepared).</summary>
    public static ITskDecoder Open(TskDecoderChoice choice, DecodeOptions options)
    {
        ArgumentNullException.ThrowIfNull(choice);
        return choice.Entry.Open(options);
    }
}
