namespace DumpScope.Host.Session;

/// <summary>Which type source a session uses (<c>--types</c>).</summary>
public enum TypeSourceKind
{
    /// <summary>A --btf file when given; else the DWARF of a --vmlinux that has .debug_info; else the dump's own BTF.</summary>
    Auto,
    /// <summary>BTF: the --btf file, else the dump's own BTF, even when the vmlinux has DWARF.</summary>
    Btf,
    /// <summary>The DWARF of the --vmlinux (required).</summary>
    Dwarf,
}
