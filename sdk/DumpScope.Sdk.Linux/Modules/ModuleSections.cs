namespace DumpScope.Sdk.Linux.Modules;

/// <summary>
/// Where each section of a loaded module was placed (<c>mod->sect_attrs</c>, what /sys/module/NAME/sections/
/// shows): the addresses a module's debug file (.ko) needs to be relocated to. The attribute's layout is probed:
/// <c>battr.attr.name</c> of a struct bin_attribute (commit ed66f991bb19 "module: Refactor section attr into
/// bin attribute", 5.8), else the older <c>name</c> pointer beside a struct module_attribute.
/// </summary>
public static class ModuleSections
{
    /// <summary>More sections than a module has (ELF allows 65535); the read stops there.</summary>
    public const int MaxSections = 1 << 12;

    /// <summary>Section name to address, for the sections with memory (SHF_ALLOC and not empty).</summary>
    /// <exception cref="TypeNotFoundException">The kernel keeps no section attributes (no CONFIG_SYSFS or CONFIG_KALLSYMS).</exception>
    /// <exception cref="Exception">A data problem (see <see cref="KernelDataErrors"/>) when the attributes are unreadable.</exception>
    public static IReadOnlyDictionary<string, ulong> SectionAddresses(IKernel kernel, KernelModule module)
    {
        var m = kernel.Object("struct module", module.Address);
        if (!m.HasMember("sect_attrs"))
            throw new TypeNotFoundException("struct module has no sect_attrs (a kernel without CONFIG_SYSFS or CONFIG_KALLSYMS): module section addresses unknown");
        ulong attrs = m["sect_attrs"].ReadPointer();
        if (attrs == 0) throw new InvalidDataException($"module {module.Name}: sect_attrs is NULL (its sysfs section attributes were not made)");
        var sections = kernel.Object("struct module_sect_attrs", attrs);
        uint count = (uint)sections["nsections"].ReadUnsigned();
        if (count > MaxSections) throw new InvalidDataException($"module {module.Name}: sect_attrs says {count} sections, more than {MaxSections}");
        var type = kernel.Types.FindType("struct module_sect_attr")?.Resolve()
            ?? throw new TypeNotFoundException("struct module_sect_attr is not in the types");
        ulong first = sections["attrs"].Address;
        bool binary = type.HasMember("battr");
        var result = new Dictionary<string, ulong>(StringComparer.Ordinal);
        for (uint i = 0; i < count; i++)
        {
            var attr = new KernelObject(kernel, type, first + i * type.Size);
            ulong namePointer = binary ? attr["battr.attr.name"].ReadPointer() : attr["name"].ReadPointer();
            string name = kernel.Memory.ReadCString(namePointer, 256);
            result.TryAdd(name, attr["address"].ReadUnsigned());
        }
        return result;
    }
}
