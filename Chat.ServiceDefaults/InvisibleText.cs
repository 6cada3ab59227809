namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Characters a name shown to other people must not contain: they reorder or hide what is displayed (a file name
/// "invoice‮fdp.exe" shows as "invoiceexe.pdf"), so someone can pass for someone or something else.
/// </summary>
public static class InvisibleText
{
    /// <summary>The first control, bidi-override/isolate or zero-width character, or null when there is none.</summary>
    public static char? FindFirst(string? text)
    {
        text ??= string.Empty;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (IsRefused(c) && !(c == ZeroWidthJoiner && JoinsEmoji(text, i)))
            {
                return c;
            }
        }
        return null;
    }

    /// <summary>A ValidationProblem message naming the character, for the field that carried it.</summary>
    public static string Describe(char c) =>
        $"Control, bidirectional-override and zero-width characters are not allowed (found U+{(int)c:X4}).";

    private const char ZeroWidthJoiner = '\u200D';
    private const char EmojiPresentation = '\uFE0F';

    /// <summary>
    /// Emoji sequences (👩‍💻, 👨‍👩‍👧, ❤️‍🔥) are emoji joined by U+200D: the joiner is allowed between two pictographs,
    /// where it only forms one picture, and refused anywhere else.
    /// </summary>
    private static bool JoinsEmoji(string text, int joiner)
    {
        var before = joiner - 1;
        if (before >= 0 && text[before] == EmojiPresentation)
        {
            before--;
        }
        return before >= 0 && joiner + 1 < text.Length && IsPictograph(CodePointEndingAt(text, before)) && IsPictograph(CodePointAt(text, joiner + 1));
    }

    private static int CodePointEndingAt(string text, int index) =>
        char.IsLowSurrogate(text[index]) && index > 0 && char.IsHighSurrogate(text[index - 1])
            ? char.ConvertToUtf32(text[index - 1], text[index])
            : text[index];

    private static int CodePointAt(string text, int index) =>
        char.IsHighSurrogate(text[index]) && index + 1 < text.Length && char.IsLowSurrogate(text[index + 1])
            ? char.ConvertToUtf32(text[index], text[index + 1])
            : text[index];

    // The emoji blocks (skin tones included) and the older symbol blocks emoji sequences use (♀, ♂, ⚕, ❤).
    private static bool IsPictograph(int codePoint) =>
        codePoint is >= 0x1F000 and <= 0x1FAFF or >= 0x2600 and <= 0x27BF or >= 0x2B00 and <= 0x2BFF;

    private static bool IsRefused(char c) =>
        char.IsControl(c)
        || c is >= '\u202A' and <= '\u202E' // LRE, RLE, PDF, LRO, RLO
        || c is >= '\u2066' and <= '\u2069' // LRI, RLI, FSI, PDI
        || c is >= '\u200B' and <= '\u200F' // zero-width space, non-joiner, joiner; LRM, RLM
        || c is '\u2060' or '\uFEFF' or '\u061C'; // word joiner, zero-width no-break space (BOM), Arabic letter mark
}
