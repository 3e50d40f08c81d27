namespace DumpScope.Host.Kernel;

/// <summary>The type catalog of a kernel opened without a type source: knows no types, and says so.</summary>
internal sealed class EmptyTypeCatalog : ITypeCatalog
{
    public static readonly EmptyTypeCatalog Instance = new();

    public string Source => "no type information (no BTF or vmlinux DWARF loaded)";

    public KernelType? FindType(string name) => null;

    public KernelType? FindVariableType(string name) => null;

    public IEnumerable<string> TypeNames => [];
}
