namespace DumpScope.Host.Kernel;

/// <summary>How <see cref="KernelLoader"/> composes a kernel from a dump: extra symbol files, types, overrides.</summary>
public sealed class KernelOpenOptions
{
    /// <summary>Defaults: the dump's own kallsyms, no types.</summary>
    public static KernelOpenOptions Default { get; } = new();

    /// <summary>A System.map (link-time addresses; relocated by the KASLR offset). Checked against the dump.</summary>
    public string? SystemMapPath { get; init; }

    /// <summary>A vmlinux whose .symtab is read (relocated by the KASLR offset). Checked against the dump (build-id, anchors).</summary>
    public string? VmlinuxPath { get; init; }

    /// <summary>Load a System.map / vmlinux even when it does not match the dump (the mismatch goes to FactNotes).</summary>
    public bool Force { get; init; }

    /// <summary>
    /// The KASLR offset, for dumps without VMCOREINFO (the panic message prints it: "Kernel Offset: 0x5200000
    /// from 0xffffffff81000000"). When VMCOREINFO has KERNELOFFSET, that wins and a different value here is an error.
    /// </summary>
    public ulong? KaslrOffset { get; init; }

    /// <summary>Read excluded pages as zeros instead of faulting (crash's --zero_excluded).</summary>
    public bool ZeroFillExcluded { get; init; }

    /// <summary>A ready type catalog; wins over <see cref="TypeCatalogFactory"/>.</summary>
    public ITypeCatalog? Types { get; init; }

    /// <summary>Builds the type catalog once memory and symbols exist (BTF is read from kernel memory); null result = no types.</summary>
    public Func<IKernelMemory, ISymbolTable, ITypeCatalog?>? TypeCatalogFactory { get; init; }
}
