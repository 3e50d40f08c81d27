namespace DumpScope.Host.Types.Btf;

/// <summary>
/// C allows one integer type many spellings ("unsigned long", "long unsigned int", "unsigned long int");
/// compilers write one of them into BTF/DWARF. This maps every spelling to one key so either finds the type.
/// </summary>
internal static class CIntegerNames
{
    /// <summary>A key shared by all spellings of the same integer type, or null when the text is not one.</summary>
    public static string? Canonical(string spelling)
    {
        int longs = 0, shorts = 0, chars = 0, ints = 0;
        bool? signed = null;
        foreach (var word in spelling.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            switch (word)
            {
                case "long": longs++; break;
                case "short": shorts++; break;
                case "char": chars++; break;
                case "int": ints++; break;
                case "signed" or "__signed__": if (signed is not null) return null; signed = true; break;
                case "unsigned": if (signed is not null) return null; signed = false; break;
                default: return null;
            }
        }
        if (longs > 2 || shorts > 1 || chars > 1 || ints > 1) return null;
        if (chars == 1)
        {
            if (longs + shorts + ints != 0) return null;
            // Plain char is its own type, distinct from signed char and unsigned char.
            return signed switch { null => "char", true => "signed char", false => "unsigned char" };
        }
        if (longs + shorts + ints == 0 && signed is null) return null;
        if (longs > 0 && shorts > 0) return null;
        string width = shorts == 1 ? "short" : longs switch { 1 => "long", 2 => "long long", _ => "int" };
        return signed == false ? "unsigned " + width : width;
    }
}
