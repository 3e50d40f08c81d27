namespace DumpScope.Sdk.Symbols;

/// <summary>A source position: the file (as the compiler recorded it, directory joined) and the line.</summary>
/// <param name="File">The source file path.</param>
/// <param name="Line">The line, 1-based (0: the compiler gave no line).</param>
/// <param name="Column">The column, 1-based, or 0 when not recorded.</param>
public readonly record struct SourceLine(string File, int Line, int Column = 0)
{
    /// <inheritdoc/>
    public override string ToString() => $"{File}:{Line.ToString(CultureInfo.InvariantCulture)}";
}

/// <summary>
/// Maps kernel code addresses (as they ran in the dump: KASLR and module placement applied) to source lines,
/// from DWARF line tables (<c>.debug_line</c>) of a vmlinux given with <c>--vmlinux</c> and of module debug files
/// (<c>--modules DIR</c>, <c>mod -S</c>). The host registers one per session; it answers nothing when no
/// debug information was given (<see cref="IsAvailable"/> false, <see cref="Source"/> saying why).
/// </summary>
public interface ISourceLineResolver
{
    /// <summary>True when at least one line table (vmlinux or a module) is known.</summary>
    bool IsAvailable { get; }

    /// <summary>Where the lines come from, or why there are none ("no --vmlinux with DWARF was given").</summary>
    string Source { get; }

    /// <summary>
    /// The source line of the instruction at <paramref name="address"/>, or null when no line table covers it.
    /// For a return address pass the address of the call (the return address minus one): the line of the
    /// instruction after a call can be another statement.
    /// </summary>
    /// <exception cref="InvalidDataException">The covering line table is malformed (the message names file and offset).</exception>
    SourceLine? Resolve(ulong address);
}
