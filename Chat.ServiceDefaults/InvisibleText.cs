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
        foreach (var c in text ?? string.Empty)
        {
            if (IsRefused(c))
            {
                return c;
            }
        }
        return null;
    }

    /// <summary>A ValidationProblem message naming the character, for the field that carried it.</summary>
    public static string Describe(char c) =>
        $"Control, bidirectional-override and zero-width characters are not allowed (found U+{(int)c:X4}).";

    private static bool IsRefused(char c) =>
        char.IsControl(c)
        || c is >= '\u202A' and <= '\u202E' // LRE, RLE, PDF, LRO, RLO
        || c is >= '\u2066' and <= '\u2069' // LRI, RLI, FSI, PDI
        || c is >= '\u200B' and <= '\u200F' // zero-width space, non-joiner, joiner; LRM, RLM
        || c is '\u2060' or '\uFEFF' or '\u061C'; // word joiner, zero-width no-break space (BOM), Arabic letter mark
}
