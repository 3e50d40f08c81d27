using DumpScope.Host.Tests.Types;
using DumpScope.Host.Types.Btf;

namespace DumpScope.Host.Tests.Dwarf;

/// <summary>
/// The fixture kernel's DWARF against its BTF (an independent encoding of the same types, written by
/// pahole from that DWARF and deduplicated): layouts, enums, typedefs and per-cpu variables must agree;
/// variable addresses against the System.map.
/// </summary>
public class DwarfFixtureLayoutTests
{
    /// <summary>Every struct and union the plugins and host read.</summary>
    public static TheoryData<string> PluginTypes => new(
        "struct task_struct", "struct kmem_cache", "struct kmem_cache_cpu", "struct kmem_cache_node", "struct slab", "struct page",
        "struct mm_struct", "struct list_head", "struct hlist_node", "struct pid", "struct upid", "struct pid_namespace",
        "struct printk_info", "struct prb_desc", "struct prb_desc_ring", "struct prb_data_ring", "struct prb_data_blk_lpos",
        "struct printk_ringbuffer", "struct array_cache", "struct rq", "struct cpumask", "struct signal_struct", "struct vm_area_struct",
        "struct pglist_data", "struct zone", "struct xa_node", "struct xarray", "struct maple_tree", "struct maple_node",
        "struct maple_range_64", "struct maple_arange_64", "struct percpu_counter", "struct uts_namespace", "struct timekeeper",
        "struct trace_print_flags", "struct dentry", "struct inode", "struct file", "struct super_block", "struct hstate",
        "struct kmem_cache_order_objects", "struct cpu_rq_list", "struct idr", "union bpf_attr", "struct sk_buff");

    [SkippableTheory]
    [MemberData(nameof(PluginTypes))]
    public void Plugin_types_have_the_layout_btf_has(string name)
    {
        var dwarf = FixtureDwarf.Catalog.FindType(name);
        var btf = FixtureBtf.Catalog.FindType(name);
        if (btf is null)
        {
            dwarf.Should().BeNull($"{name} is in neither source (array_cache is SLAB's; this kernel uses SLUB)");
            return;
        }
        dwarf.Should().NotBeNull($"BTF has {name}");
        var differences = new List<string>();
        Compare(name, dwarf!, btf, differences, 0);
        differences.Should().BeEmpty();
        dwarf!.Resolve().Members.Should().NotBeEmpty();
    }

    /// <summary>Size, then each member's name, bit offset, bit size and C type; into anonymous and by-value aggregate members.</summary>
    private static void Compare(string path, KernelType dwarf, KernelType btf, List<string> differences, int depth)
    {
        var d = dwarf.Resolve();
        var b = btf.Resolve();
        if (d.Kind != b.Kind) { differences.Add($"{path}: {d.Kind} vs {b.Kind}"); return; }
        if (d.Size != b.Size) differences.Add($"{path}: size {d.Size} vs {b.Size}");
        if (d.Kind is not (TypeKind.Struct or TypeKind.Union) || depth > 4) return;
        var dm = d.Members;
        var bm = b.Members;
        if (dm.Count != bm.Count) { differences.Add($"{path}: {dm.Count} members vs {bm.Count}"); return; }
        for (int i = 0; i < dm.Count; i++)
        {
            string at = $"{path}.{(dm[i].Name.Length == 0 ? $"<anonymous {i}>" : dm[i].Name)}";
            if (dm[i].Name != bm[i].Name) differences.Add($"{at}: named '{bm[i].Name}' in BTF");
            if (dm[i].BitOffset != bm[i].BitOffset) differences.Add($"{at}: bit offset {dm[i].BitOffset} vs {bm[i].BitOffset}");
            if (dm[i].BitSize != bm[i].BitSize) differences.Add($"{at}: bit size {dm[i].BitSize} vs {bm[i].BitSize}");
            if (Spelling(dm[i].Type) != Spelling(bm[i].Type)) differences.Add($"{at}: type {dm[i].Type.DisplayName} vs {bm[i].Type.DisplayName}");
            if (dm[i].Type.Resolve().Kind is TypeKind.Struct or TypeKind.Union)
                Compare(at, dm[i].Type, bm[i].Type, differences, depth + 1);
        }
    }

    /// <summary>
    /// The C spelling, with multi-dimensional arrays flattened: DWARF keeps "struct list_head [4][2][5]" as
    /// nested arrays while pahole writes it into BTF as "struct list_head [40]".
    /// </summary>
    private static string Spelling(KernelType type)
    {
        if (type.Kind != TypeKind.Array) return type.DisplayName;
        ulong count = 1;
        var element = type;
        while (element.Kind == TypeKind.Array)
        {
            count *= element.ArrayLength;
            element = element.Target!;
        }
        return $"{element.DisplayName} [{count}]";
    }

    [SkippableFact]
    public void Every_struct_and_union_btf_defines_once_has_the_same_size_and_member_count()
    {
        var btf = FixtureBtf.Catalog;
        var dwarf = FixtureDwarf.Catalog;
        int compared = 0;
        var missing = new List<string>();
        var differences = new List<string>();
        foreach (var name in btf.TypeNames.Where(n => n.StartsWith("struct ", StringComparison.Ordinal) || n.StartsWith("union ", StringComparison.Ordinal)))
        {
            var candidates = btf.FindTypes(name);
            // Names BTF holds twice are different types in different files: which one "wins" is arbitrary.
            if (candidates.Count != 1 || candidates[0].Kind == TypeKind.Forward) continue;
            var b = candidates[0];
            var d = dwarf.FindType(name);
            if (d is null) { missing.Add(name); continue; }
            if (d.Size != b.Size || d.Members.Count != b.Members.Count)
                differences.Add($"{name}: size {d.Size}/{b.Size}, members {d.Members.Count}/{b.Members.Count}");
            compared++;
        }
        compared.Should().BeGreaterThan(5000);
        differences.Should().BeEmpty();
        // The index holds unit-level types; BTF also has the few types C code defines inside a function body
        // (struct sg in a sched function, SLUB's enum slab_modes…), which the reader does not look for.
        missing.Count.Should().BeLessThan(compared / 200, $"only function-local types may be missing: {string.Join(", ", missing)}");
    }

    [SkippableFact]
    public void Every_per_cpu_variable_btf_describes_has_the_same_type()
    {
        var btf = FixtureBtf.Catalog;
        var dwarf = FixtureDwarf.Catalog;
        var variables = btf.Names.Names(BtfNameIndex.Space.Variable).ToList();
        variables.Should().Contain("runqueues");
        var differences = variables
            .Select(v => (v, Btf: btf.FindVariableType(v)!.DisplayName, Dwarf: dwarf.FindVariableType(v)?.DisplayName))
            .Where(x => x.Btf != x.Dwarf)
            .Select(x => $"{x.v}: {x.Dwarf ?? "(none)"} vs {x.Btf}")
            .ToList();
        differences.Should().BeEmpty();
    }

    [SkippableFact]
    public void Enums_and_typedefs_agree_with_btf()
    {
        var btf = FixtureBtf.Catalog;
        var dwarf = FixtureDwarf.Catalog;
        foreach (var name in new[] { "enum pageflags", "enum zone_type", "enum maple_type", "enum node_stat_item", "enum pid_type" })
        {
            var d = dwarf.FindType(name)!;
            var b = btf.FindType(name)!;
            d.Enumerators.Should().Equal(b.Enumerators, name);
            d.Size.Should().Be(b.Size, name);
            d.IsSigned.Should().Be(b.IsSigned, name);
        }
        foreach (var name in new[] { "u64", "atomic_t", "atomic_long_t", "pgd_t", "spinlock_t", "gfp_t", "cpumask_var_t", "pid_t" })
        {
            var d = dwarf.FindType(name)!;
            var b = btf.FindType(name)!;
            d.Kind.Should().Be(TypeKind.Typedef, name);
            d.Resolve().DisplayName.Should().Be(b.Resolve().DisplayName, name);
            d.Size.Should().Be(b.Size, name);
        }
        dwarf.FindType("unsigned long")!.DisplayName.Should().Be("long unsigned int");
    }

    [SkippableFact]
    public void Global_variables_have_their_c_types()
    {
        var dwarf = FixtureDwarf.Catalog;
        dwarf.FindVariableType("nr_cpu_ids")!.DisplayName.Should().Be("unsigned int");
        dwarf.FindVariableType("slab_caches")!.DisplayName.Should().Be("struct list_head");
        dwarf.FindVariableType("kmem_cache")!.DisplayName.Should().Be("struct kmem_cache *");
        dwarf.FindVariableType("init_task")!.DisplayName.Should().Be("struct task_struct");
        dwarf.FindVariableType("prb")!.DisplayName.Should().Be("struct printk_ringbuffer *");
        dwarf.FindVariableType("jiffies")!.DisplayName.Should().Be("volatile long unsigned int", "a declaration (jiffies is defined by the linker script)");
        dwarf.FindVariableType("__per_cpu_offset")!.DisplayName.Should().Be("long unsigned int [8192]");
    }

    [SkippableFact]
    public void Variable_addresses_equal_the_system_map()
    {
        var map = new Dictionary<string, List<ulong>>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(Fixtures.SystemMap))
        {
            var parts = line.Split(' ');
            if (parts.Length != 3) continue;
            ulong address = ulong.Parse(parts[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            if (!map.TryGetValue(parts[2], out var list)) map[parts[2]] = list = [];
            list.Add(address);
        }
        int compared = 0;
        var differences = new List<string>();
        foreach (var variable in FixtureDwarf.Catalog.Variables.Where(v => v.IsExternal))
        {
            if (!map.TryGetValue(variable.Name, out var addresses) || addresses.Count != 1) continue;
            compared++;
            if (addresses[0] != variable.LinkAddress) differences.Add($"{variable.Name}: {variable.LinkAddress:x} vs {addresses[0]:x}");
        }
        compared.Should().BeGreaterThan(3000);
        differences.Should().BeEmpty();
    }

    [SkippableFact]
    public void The_catalog_names_its_source_and_the_kernel_build()
    {
        var catalog = FixtureDwarf.Catalog;
        catalog.Source.Should().StartWith("DWARF in vmlinux-6.1.0-56-cloud-amd64 (2172 units");
        var vmcoreInfo = File.ReadAllLines(Fixtures.Require("kd1/vmcoreinfo.txt"));
        catalog.BuildId.Should().Be(vmcoreInfo.Single(l => l.StartsWith("BUILD-ID=", StringComparison.Ordinal))["BUILD-ID=".Length..]);
        catalog.TypeNames.Should().Contain(["struct task_struct", "u64", "enum zone_type", "union bpf_attr"]);
    }
}
