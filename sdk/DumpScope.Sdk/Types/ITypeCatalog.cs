namespace DumpScope.Sdk.Types;

/// <summary>
/// Kernel types from one source (BTF in the dump, a BTF file, vmlinux DWARF). Names are looked up as C
/// spells them: "struct kmem_cache", "union thread_union", "enum zone_type", "unsigned int", "u64".
/// A bare name ("kmem_cache") finds a typedef or base type first, then a struct, union or enum.
/// </summary>
public interface ITypeCatalog
{
    /// <summary>Where the types came from ("BTF in dump memory (4119994 bytes)").</summary>
    string Source { get; }

    /// <summary>A named type, or null.</summary>
    KernelType? FindType(string name);

    /// <summary>The declared type of a global variable, when the source knows it (DWARF; BTF only for per-cpu variables).</summary>
    KernelType? FindVariableType(string name);

    /// <summary>Names of all named types (for completion and <c>whatis</c> searches).</summary>
    IEnumerable<string> TypeNames { get; }
}

/// <summary>Thrown when a type or member a caller needs does not exist: an unsupported kernel layout.</summary>
public sealed class TypeNotFoundException(string message) : Exception(message);
