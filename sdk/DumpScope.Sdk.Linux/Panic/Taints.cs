namespace DumpScope.Sdk.Linux.Panic;

/// <summary>
/// The kernel's taint state (kernel/panic.c): get_taint's <c>tainted_mask</c>, decoded with the taint_flags table
/// (letters by TAINT_* bit number, include/linux/panic.h), and the "Tainted:" field print_tainted writes into
/// oops and panic headers.
/// </summary>
public static class Taints
{
    /// <summary>
    /// The TAINT_* flags by bit. Bits were only ever appended: 17 T (RANDSTRUCT) came with 5.16, 18 N (TEST) with
    /// 5.18, 19 J (FWCTL) with 6.15; an older kernel simply never sets them.
    /// </summary>
    public static IReadOnlyList<TaintFlag> Flags { get; } =
    [
        new(0, 'P', "PROPRIETARY_MODULE", "proprietary module loaded", true),
        new(1, 'F', "FORCED_MODULE", "module force-loaded", true),
        new(2, 'S', "CPU_OUT_OF_SPEC", "CPU out of specification", false),
        new(3, 'R', "FORCED_RMMOD", "module force-unloaded", false),
        new(4, 'M', "MACHINE_CHECK", "machine check exception", false),
        new(5, 'B', "BAD_PAGE", "bad page referenced", false),
        new(6, 'U', "USER", "tainted by user request", false),
        new(7, 'D', "DIE", "an oops or BUG happened before", false),
        new(8, 'A', "OVERRIDDEN_ACPI_TABLE", "ACPI table overridden", false),
        new(9, 'W', "WARN", "a warning was issued", false),
        new(10, 'C', "CRAP", "staging driver loaded", true),
        new(11, 'I', "FIRMWARE_WORKAROUND", "firmware bug worked around", false),
        new(12, 'O', "OOT_MODULE", "out-of-tree module loaded", true),
        new(13, 'E', "UNSIGNED_MODULE", "unsigned module loaded", true),
        new(14, 'L', "SOFTLOCKUP", "soft lockup happened", false),
        new(15, 'K', "LIVEPATCH", "kernel live-patched", true),
        new(16, 'X', "AUX", "auxiliary (distribution) taint", true),
        new(17, 'T', "RANDSTRUCT", "built with struct randomization plugin", true),
        new(18, 'N', "TEST", "in-kernel test run", true),
        new(19, 'J', "FWCTL", "fwctl firmware control used", false),
    ];

    /// <summary>The letters of the set bits in bit order (bits past the table as '?'), empty when untainted.</summary>
    public static string Letters(ulong mask)
    {
        var text = new StringBuilder();
        for (int bit = 0; bit < 64; bit++)
        {
            if ((mask & (1UL << bit)) == 0) continue;
            text.Append(bit < Flags.Count ? Flags[bit].Letter : '?');
        }
        return text.ToString();
    }

    /// <summary>The flags set in <paramref name="mask"/>, in bit order (bits without a known flag are left out).</summary>
    public static IReadOnlyList<TaintFlag> FlagsOf(ulong mask) => Flags.Where(f => (mask & (1UL << f.Bit)) != 0).ToArray();

    /// <summary>get_taint(): <c>tainted_mask</c> (an unsigned long), or null with the reason.</summary>
    public static ulong? GetTaint(IKernel kernel, out string? problem)
    {
        if (!KernelGlobals.TryReadInteger(kernel, "tainted_mask", "unsigned long", out var mask, out var why))
        {
            problem = why;
            return null;
        }
        problem = null;
        return (ulong)mask;
    }

    /// <summary>
    /// The letters of a "Tainted: " field as print_tainted writes it: one column per flag, the letter when set and
    /// a space otherwise, except PROPRIETARY_MODULE whose clear state is 'G' ("Tainted: G            E     ").
    /// "Not tainted" gives the empty string; null when the text holds neither.
    /// </summary>
    public static string? ParseTaintedField(string line)
    {
        if (line.Contains("Not tainted", StringComparison.Ordinal)) return "";
        int at = line.IndexOf("Tainted: ", StringComparison.Ordinal);
        if (at < 0) return null;
        var letters = new StringBuilder();
        // One column per flag of that kernel, then a space and the release (which starts with a digit).
        var field = line.AsSpan(at + "Tainted: ".Length);
        for (int i = 0; i < field.Length && i <= Flags.Count; i++)
        {
            char c = field[i];
            if (c == ' ') continue;
            if (!char.IsAsciiLetterUpper(c)) break;
            if (c != 'G') letters.Append(c);
        }
        return string.Concat(letters.ToString().OrderBy(c => Flags.FirstOrDefault(f => f.Letter == c)?.Bit ?? 64));
    }
}
