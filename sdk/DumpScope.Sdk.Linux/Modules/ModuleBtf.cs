namespace DumpScope.Sdk.Linux.Modules;

/// <summary>One module's BTF as the kernel keeps it.</summary>
/// <param name="Module">The struct module's address (0 when the entry does not say).</param>
/// <param name="Name">The module's name.</param>
/// <param name="Data">Address of the raw split BTF (header, types, strings).</param>
/// <param name="Size">Its length in bytes.</param>
/// <param name="StartId">The first type id of the module's own (continuing vmlinux's), when recorded.</param>
/// <param name="StartStringOffset">The first string offset of the module's own, when recorded.</param>
public sealed record ModuleBtfData(ulong Module, string Name, ulong Data, uint Size, uint? StartId, uint? StartStringOffset);

/// <summary>
/// Where each module's BTF is (kernel/bpf/btf.c, CONFIG_DEBUG_INFO_BTF_MODULES). Since commit 36e68442d1af ("bpf:
/// Load and verify kernel module BTFs") the BPF subsystem copies a loading module's .BTF into a <c>struct btf</c>
/// (<c>data</c>, <c>data_size</c>, <c>start_id</c>, <c>start_str_off</c>: split BTF continuing vmlinux's) on the
/// <c>btf_modules</c> list, and the same commit clears <c>mod->btf_data</c> once the module is live (the section
/// is not allocated and goes with the load image). So a live module's BTF is found on that list; a module still
/// loading may have <c>btf_data</c> set and no list entry yet, which <see cref="ForEachModuleBtf"/> adds from the
/// modules list.
/// </summary>
public static class ModuleBtf
{
    /// <summary>The kernel's limit on a module BTF is far below this; a larger size is damage.</summary>
    public const uint MaxSize = 64u << 20;

    /// <summary>
    /// Every module BTF: the <c>btf_modules</c> entries, then modules whose <c>btf_data</c> is still set and that
    /// have no entry. Unreadable entries are left out with the reason in the walk's problem.
    /// </summary>
    public static WalkResult<ModuleBtfData> ForEachModuleBtf(IKernel kernel, CancellationToken cancellation = default)
    {
        var found = new List<ModuleBtfData>();
        var problems = new List<string>();
        var end = WalkEnd.Completed;
        if (kernel.Symbols.TryGetAddress("btf_modules", out var head) && kernel.Types.FindType("struct btf_module") is not null)
        {
            var walk = kernel.ListForEachEntry(head, "struct btf_module", "list", ModuleList.MaxModules, cancellation);
            end = walk.End;
            if (walk.Problem is not null) problems.Add($"btf_modules: {walk.Problem}");
            foreach (var entry in walk.Items)
            {
                try
                {
                    if (FromBtfModule(entry) is { } data) found.Add(data);
                }
                catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
                {
                    problems.Add($"btf_module at {entry.Address:x}: {KernelDataErrors.Reason(e)}");
                }
            }
        }
        if (kernel.Symbols.TryGetAddress("modules", out _))
        {
            var known = found.Select(f => f.Module).ToHashSet();
            var modules = ModuleList.ForEachModule(kernel, cancellation);
            foreach (var module in modules.Modules)
                if (module.Btf is { } btf && !known.Contains(module.Address) && btf.Size <= MaxSize)
                    found.Add(new ModuleBtfData(module.Address, module.Name, btf.Address, btf.Size, null, null));
        }
        return new WalkResult<ModuleBtfData>(found, end, problems.Count == 0 ? null : string.Join("; ", problems));
    }

    private static ModuleBtfData? FromBtfModule(KernelObject entry)
    {
        var e = entry.Load();
        ulong module = e["module"].ReadPointer();
        var btf = e["btf"].Deref().Load();
        ulong data = btf["data"].ReadPointer();
        uint size = (uint)btf["data_size"].ReadUnsigned();
        if (data == 0 || size == 0) return null;
        if (size > MaxSize)
            throw new InvalidDataException($"struct btf at {btf.Address:x}: data_size {size} is more than the {MaxSize} bytes a module BTF can be");
        string name = btf.HasMember("name") ? btf["name"].ReadString(64) : "";
        if (name.Length == 0 && module != 0) name = entry.Kernel.Object("struct module", module)["name"].ReadString(64);
        uint? startId = btf.HasMember("start_id") ? (uint)btf["start_id"].ReadUnsigned() : null;
        uint? startString = btf.HasMember("start_str_off") ? (uint)btf["start_str_off"].ReadUnsigned() : null;
        return new ModuleBtfData(module, name, data, size, startId, startString);
    }
}
