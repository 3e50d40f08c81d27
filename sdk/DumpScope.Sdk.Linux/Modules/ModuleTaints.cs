namespace DumpScope.Sdk.Linux.Modules;

/// <summary>The kernel's taint flag letters (kernel/panic.c taint_flags[], indexed by TAINT_* bit).</summary>
public static class ModuleTaints
{
    // The letter of each TAINT_* bit when set, in bit order; the numbering has only ever grown at the end.
    private const string LettersByBit = "PFSRMBUDAWCIOELKXTN";

    /// <summary>The letters of the set bits, in the order the kernel prints them (bit order).</summary>
    public static string Letters(ulong taints)
    {
        var text = new StringBuilder();
        for (int bit = 0; bit < 64; bit++)
        {
            if ((taints & (1UL << bit)) == 0) continue;
            text.Append(bit < LettersByBit.Length ? LettersByBit[bit] : '?');
        }
        return text.ToString();
    }
}
