namespace DumpScope.Sdk.Linux.Modules;

/// <summary>A module's ORC tables (<c>mod->arch</c>): where the IP and entry arrays are and how many entries.</summary>
/// <param name="IpTable">orc_unwind_ip.</param>
/// <param name="EntryTable">orc_unwind.</param>
/// <param name="Count">num_orcs.</param>
public readonly record struct ModuleOrc(ulong IpTable, ulong EntryTable, uint Count);

/// <summary>Where a module's symbol table lives (<c>struct mod_kallsyms</c>).</summary>
/// <param name="SymbolTable">symtab: an array of Elf64_Sym.</param>
/// <param name="Count">num_symtab.</param>
/// <param name="StringTable">strtab.</param>
/// <param name="TypeTable">typetab (one type letter per symbol), 0 on kernels that kept the letter in st_info.</param>
public readonly record struct ModuleKallsyms(ulong SymbolTable, uint Count, ulong StringTable, ulong TypeTable);

/// <summary>A memory region of a module (text, data, init text…).</summary>
/// <param name="Base">First byte.</param>
/// <param name="Size">Length in bytes.</param>
public readonly record struct ModuleRegion(ulong Base, ulong Size)
{
    /// <summary>True when the address lies inside.</summary>
    public bool Contains(ulong address) => Size != 0 && address >= Base && address - Base < Size;
}

/// <summary>One loaded module (<c>struct module</c>), as <c>/proc/modules</c> and crash's <c>mod</c> describe it.</summary>
public sealed record KernelModule
{
    /// <summary>Address of the struct module.</summary>
    public required ulong Address { get; init; }

    /// <summary>The module's name.</summary>
    public required string Name { get; init; }

    /// <summary>The state's enumerator name (MODULE_STATE_LIVE, …), or its number when the enum has no name for it.</summary>
    public required string State { get; init; }

    /// <summary>/proc/modules' word for the state: Live, Loading, Unloading.</summary>
    public string StateWord => State switch
    {
        "MODULE_STATE_LIVE" => "Live",
        "MODULE_STATE_COMING" => "Loading",
        "MODULE_STATE_GOING" => "Unloading",
        _ => State,
    };

    /// <summary>The base /proc/modules prints: the core text's start.</summary>
    public required ulong Base { get; init; }

    /// <summary>The size /proc/modules prints: all core (not init) memory.</summary>
    public required ulong Size { get; init; }

    /// <summary>The module's text regions (core text; init text while still loading).</summary>
    public required IReadOnlyList<ModuleRegion> Text { get; init; }

    /// <summary>Every region of the module, text and data, core and init.</summary>
    public required IReadOnlyList<ModuleRegion> Regions { get; init; }

    /// <summary>The taint bits (<c>mod->taints</c>).</summary>
    public ulong? Taints { get; init; }

    /// <summary>The reference count as /proc/modules prints it (refcnt minus the base reference), when readable.</summary>
    public long? RefCount { get; init; }

    /// <summary>The in-memory symbol table, when the kernel has module kallsyms.</summary>
    public ModuleKallsyms? Kallsyms { get; init; }

    /// <summary>The module's ORC tables, when the kernel was built with the ORC unwinder.</summary>
    public ModuleOrc? Orc { get; init; }

    /// <summary>Address and size of the module's split BTF (<c>btf_data</c>, <c>btf_data_size</c>), when present.</summary>
    public (ulong Address, uint Size)? Btf { get; init; }

    /// <summary>What could not be read (the fields above that are null say which).</summary>
    public IReadOnlyList<string> Problems { get; init; } = [];

    /// <summary>True when the address is inside any of the module's regions.</summary>
    public bool Contains(ulong address) => Regions.Any(r => r.Contains(address));

    /// <summary>True when the address is in the module's text.</summary>
    public bool InText(ulong address) => Text.Any(r => r.Contains(address));

    /// <summary>The taint letters /proc/modules prints in parentheses ("OE"), empty when untainted.</summary>
    public string TaintLetters => Taints is { } t ? ModuleTaints.Letters(t) : "";
}
