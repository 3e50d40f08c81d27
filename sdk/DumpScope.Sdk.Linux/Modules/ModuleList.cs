namespace DumpScope.Sdk.Linux.Modules;

/// <summary>The modules found on the kernel's <c>modules</c> list, and how the walk ended.</summary>
/// <param name="Modules">The modules in list order (the most recently loaded first, as /proc/modules lists them).</param>
/// <param name="End">How the walk ended.</param>
/// <param name="Problem">Why it ended early, or null.</param>
public sealed record ModuleWalk(IReadOnlyList<KernelModule> Modules, WalkEnd End, string? Problem);

/// <summary>
/// Reads <c>struct module</c>s from the <c>modules</c> list (the kernel's for_each_module). The memory layout is
/// probed from the type: <c>mem[]</c> of struct module_memory (commit ac3b43283923 "module: replace
/// module_layout with module_memory"), else <c>core_layout</c>/<c>init_layout</c> of struct module_layout
/// (commit 7523e4dc5057 "module: use a structure to encapsulate layout"), else the older
/// <c>module_core</c>/<c>core_size</c> fields.
/// </summary>
public static class ModuleList
{
    /// <summary>More modules than any kernel loads; the walk stops there.</summary>
    public const int MaxModules = 1 << 16;

    // enum mod_mem_type: MOD_TEXT, MOD_DATA, MOD_RODATA, MOD_RO_AFTER_INIT, then the init ones.
    private const int ModText = 0, ModInitText = 4, ModInitFirst = 4;

    /// <summary>Walks the modules list. A module that cannot be read is skipped with a problem noted on the walk.</summary>
    /// <exception cref="TypeNotFoundException">The kernel has no <c>modules</c> symbol or no struct module type.</exception>
    public static ModuleWalk ForEachModule(IKernel kernel, CancellationToken cancellation = default)
    {
        if (!kernel.Symbols.TryGetAddress("modules", out var head))
            throw new TypeNotFoundException($"symbol 'modules' is not in {kernel.Symbols.Source}: the kernel has no loadable modules (CONFIG_MODULES off) or no symbols for them");
        var walk = kernel.ListForEachEntry(head, "struct module", "list", MaxModules, cancellation);
        var modules = new List<KernelModule>();
        var problems = new List<string>();
        foreach (var module in walk.Items)
        {
            try
            {
                modules.Add(Read(module));
            }
            catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
            {
                problems.Add($"module at {module.Address:x}: {KernelDataErrors.Reason(e)}");
            }
        }
        if (walk.Problem is not null) problems.Add(walk.Problem);
        return new ModuleWalk(modules, walk.End, problems.Count == 0 ? null : string.Join("; ", problems));
    }

    /// <summary>Reads one struct module.</summary>
    public static KernelModule Read(KernelObject module)
    {
        var m = module.Load();
        var problems = new List<string>();
        string name = m["name"].ReadString(64);
        string state = m["state"].EnumName() ?? m["state"].ReadInteger().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var (baseAddress, size, text, regions) = Layout(m);

        ulong? taints = m.HasMember("taints") ? Try<ulong?>(() => m["taints"].ReadUnsigned(), "taints", problems) : null;
        long? refs = null;
        if (m.HasMember("refcnt"))
            refs = Try<long?>(() => (m["refcnt"].HasMember("counter") ? m["refcnt.counter"].ReadSigned() : m["refcnt"].ReadSigned()) - 1, "refcnt", problems);

        ModuleKallsyms? kallsyms = null;
        if (m.HasMember("core_kallsyms"))
        {
            kallsyms = Try<ModuleKallsyms?>(() =>
            {
                // mod->kallsyms points at core_kallsyms once init is done, at the full table while loading.
                var live = m.HasMember("kallsyms") && m["kallsyms"].ReadPointer() is var p && p != 0
                    ? m["kallsyms"].Deref()
                    : m["core_kallsyms"];
                return new ModuleKallsyms(live["symtab"].ReadPointer(), (uint)live["num_symtab"].ReadUnsigned(),
                    live["strtab"].ReadPointer(), live.HasMember("typetab") ? live["typetab"].ReadPointer() : 0);
            }, "kallsyms", problems);
        }

        ModuleOrc? orc = null;
        if (m.HasMember("arch.orc_unwind_ip"))
        {
            orc = Try<ModuleOrc?>(() => new ModuleOrc(m["arch.orc_unwind_ip"].ReadPointer(), m["arch.orc_unwind"].ReadPointer(),
                (uint)m["arch.num_orcs"].ReadUnsigned()), "arch ORC tables", problems);
        }

        (ulong, uint)? btf = null;
        if (m.HasMember("btf_data"))
            btf = Try<(ulong, uint)?>(() => (m["btf_data"].ReadPointer(), (uint)m["btf_data_size"].ReadUnsigned()), "btf_data", problems);

        return new KernelModule
        {
            Address = module.Address,
            Name = name,
            State = state,
            Base = baseAddress,
            Size = size,
            Text = text,
            Regions = regions,
            Taints = taints,
            RefCount = refs,
            Kallsyms = kallsyms,
            Orc = orc,
            Btf = btf is { } b && b.Item1 != 0 && b.Item2 != 0 ? b : null,
            Problems = problems,
        };
    }

    private static (ulong Base, ulong Size, List<ModuleRegion> Text, List<ModuleRegion> Regions) Layout(KernelObject m)
    {
        var text = new List<ModuleRegion>();
        var regions = new List<ModuleRegion>();
        if (m.HasMember("mem"))
        {
            var mem = m["mem"];
            var array = mem.Type.Resolve();
            int count = array.Target is { Size: > 0 } element ? (int)(array.Size / element.Size) : 0;
            ulong size = 0, textBase = 0;
            for (int i = 0; i < count; i++)
            {
                var region = mem.Index((ulong)i);
                var r = new ModuleRegion(region["base"].ReadPointer(), region["size"].ReadUnsigned());
                regions.Add(r);
                if (i == ModText) textBase = r.Base;
                if (i < ModInitFirst) size += r.Size;
                if (i is ModText or ModInitText) text.Add(r);
            }
            return (textBase, size, text, regions);
        }
        if (m.HasMember("core_layout"))
        {
            foreach (var which in new[] { "core_layout", "init_layout" })
            {
                var layout = m[which];
                var r = new ModuleRegion(layout["base"].ReadPointer(), layout["size"].ReadUnsigned());
                regions.Add(r);
                text.Add(r with { Size = layout["text_size"].ReadUnsigned() });
            }
            return (regions[0].Base, regions[0].Size, text, regions);
        }
        if (m.HasMember("module_core"))
        {
            var core = new ModuleRegion(m["module_core"].ReadPointer(), m["core_size"].ReadUnsigned());
            var init = new ModuleRegion(m["module_init"].ReadPointer(), m["init_size"].ReadUnsigned());
            regions.Add(core);
            regions.Add(init);
            text.Add(core with { Size = m["core_text_size"].ReadUnsigned() });
            text.Add(init with { Size = m["init_text_size"].ReadUnsigned() });
            return (core.Base, core.Size, text, regions);
        }
        throw new TypeNotFoundException("struct module has none of mem[], core_layout or module_core: unknown module layout");
    }

    private static T? Try<T>(Func<T> read, string what, List<string> problems)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
        {
            problems.Add($"{what}: {KernelDataErrors.Reason(e)}");
            return default;
        }
    }
}
