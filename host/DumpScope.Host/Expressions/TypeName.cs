namespace DumpScope.Host.Expressions;

/// <summary>
/// A C type name as written in a cast, sizeof or a declaration: the base ("struct task_struct",
/// "unsigned long", "atomic_long_t"), pointer levels, then array lengths ("char [16]"; a null length is
/// "[]", its count unknown).
/// </summary>
/// <param name="Base">The base type's name, words joined by one space.</param>
/// <param name="Pointers">Number of '*'.</param>
/// <param name="ArrayLengths">Array dimensions, outermost first; null for "[]".</param>
/// <param name="Position">Where it starts in the expression.</param>
public sealed record TypeName(string Base, int Pointers, IReadOnlyList<ulong?> ArrayLengths, int Position)
{
    /// <summary>The C spelling.</summary>
    public override string ToString() =>
        Base + (Pointers > 0 ? " " + new string('*', Pointers) : "")
        + (ArrayLengths.Count > 0 ? " " + string.Concat(ArrayLengths.Select(l => $"[{l?.ToString(CultureInfo.InvariantCulture)}]")) : "");
}
