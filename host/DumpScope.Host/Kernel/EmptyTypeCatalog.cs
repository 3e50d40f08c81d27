namespace DumpScope.Host.Kernel;

/// <summary>
/// The type catalog of a kernel opened without a type source: knows no types, and says why there are none and which
/// file would supply them (every "type X is needed" error quotes <see cref="Source"/>).
/// </summary>
internal sealed class EmptyTypeCatalog : ITypeCatalog
{
    public static readonly EmptyTypeCatalog Instance = new("no types (no BTF or vmlinux DWARF loaded)");

    /// <summary>A catalog whose <see cref="Source"/> is <paramref name="source"/> ("no types (why; what supplies them)").</summary>
    public EmptyTypeCatalog(string source) => Source = source;

    public string Source { get; }

    public KernelType? FindType(string name) => null;

    public KernelType? FindVariableType(string name) => null;

    public IEnumerable<string> TypeNames => [];
}
