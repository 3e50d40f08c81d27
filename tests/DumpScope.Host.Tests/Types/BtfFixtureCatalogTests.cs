using DumpScope.Host.Types.Btf;

namespace DumpScope.Host.Tests.Types;

/// <summary>Name look-ups, enums, variables and functions on the fixture kernel's BTF.</summary>
public class BtfFixtureCatalogTests
{
    private static BtfTypeCatalog Catalog => FixtureBtf.Catalog;

    [SkippableFact]
    public void Prefixed_and_bare_names_find_structs_unions_and_enums()
    {
        Catalog.FindType("struct kmem_cache")!.Kind.Should().Be(TypeKind.Struct);
        Catalog.FindType("kmem_cache")!.Should().BeSameAs(Catalog.FindType("struct kmem_cache"), "a bare name falls back to the struct tag");
        Catalog.FindType("  struct   list_head ")!.Size.Should().Be(16);
        Catalog.FindType("union fpregs_state")!.Kind.Should().Be(TypeKind.Union);
        Catalog.FindType("union fpregs_state")!.Size.Should().Be(4096, "pahole: union fpregs_state is 4096 bytes");
        Catalog.FindType("enum zone_type")!.Kind.Should().Be(TypeKind.Enum);
        Catalog.FindType("struct zone_type").Should().BeNull("zone_type is an enum, not a struct");
        Catalog.FindType("union kmem_cache").Should().BeNull();
        Catalog.FindType("no_such_type_anywhere").Should().BeNull();
        Catalog.FindType("").Should().BeNull();
    }

    [SkippableFact]
    public void Bare_names_prefer_typedefs_and_base_types()
    {
        // pg_data_t is a typedef of struct pglist_data; the typedef wins for the bare name.
        var pgData = Catalog.FindType("pg_data_t")!;
        pgData.Kind.Should().Be(TypeKind.Typedef);
        pgData.Resolve().DisplayName.Should().Be("struct pglist_data");
        pgData.Size.Should().Be(174208, "VMCOREINFO: SIZE(pglist_data)=174208");

        var u64 = Catalog.FindType("u64")!;
        u64.Kind.Should().Be(TypeKind.Typedef);
        u64.Resolve().DisplayName.Should().Be("long long unsigned int");
        u64.Size.Should().Be(8);
        u64.IsSigned.Should().BeFalse();
        Catalog.FindType("s32")!.IsSigned.Should().BeTrue();
        Catalog.FindType("atomic_long_t")!.Target!.DisplayName.Should().Be("atomic64_t");
        Catalog.FindType("atomic_long_t")!.Resolve().DisplayName.Should().Be("struct {...}", "atomic64_t is a typedef of an anonymous struct");
    }

    [SkippableTheory]
    [InlineData("unsigned int", "unsigned int", 4)]
    [InlineData("unsigned long", "long unsigned int", 8)]
    [InlineData("unsigned long int", "long unsigned int", 8)]
    [InlineData("long", "long int", 8)]
    [InlineData("signed long", "long int", 8)]
    [InlineData("unsigned long long", "long long unsigned int", 8)]
    [InlineData("short", "short int", 2)]
    [InlineData("unsigned short", "short unsigned int", 2)]
    [InlineData("unsigned char", "unsigned char", 1)]
    [InlineData("char", "char", 1)]
    [InlineData("_Bool", "_Bool", 1)]
    [InlineData("double", "double", 8)]
    public void Base_types_answer_to_every_C_spelling(string spelling, string btfName, ulong size)
    {
        var type = Catalog.FindType(spelling)!;
        type.Should().NotBeNull();
        type.Name.Should().Be(btfName);
        type.Size.Should().Be(size);
        Catalog.TryParse(spelling + " *")!.Kind.Should().Be(TypeKind.Pointer);
    }

    [SkippableFact]
    public void Enumerators_with_kind_flag_are_signed()
    {
        var zone = Catalog.FindType("enum zone_type")!;
        zone.Size.Should().Be(4);
        zone.IsSigned.Should().BeFalse();
        zone.Enumerators.Select(e => (e.Name, e.Value)).Should().Equal(
            ("ZONE_DMA", 0L), ("ZONE_DMA32", 1L), ("ZONE_NORMAL", 2L), ("ZONE_MOVABLE", 3L), ("ZONE_DEVICE", 4L), ("__MAX_NR_ZONES", 5L));

        // include/linux/perf_event.h: PERF_EVENT_STATE_DEAD = -4 … ; BTF marks the enum signed (kind_flag).
        // pahole 1.24 ignores that flag and prints 4294967292, the same bits read unsigned.
        var state = Catalog.FindType("enum perf_event_state")!;
        state.IsSigned.Should().BeTrue();
        state.Enumerators.First().Should().Be(new EnumValue("PERF_EVENT_STATE_DEAD", -4));
        state.Enumerators.Should().Contain(new EnumValue("PERF_EVENT_STATE_ACTIVE", 1));
    }

    [SkippableFact]
    public void Enum64_values_keep_their_64_bits()
    {
        var context = Catalog.FindType("enum perf_callchain_context")!;
        context.Size.Should().Be(8);
        context.IsSigned.Should().BeFalse();
        // pahole: PERF_CONTEXT_HV = 18446744073709551584 (stored as its bit pattern).
        ((ulong)context.Enumerators[0].Value).Should().Be(18446744073709551584UL);
        context.Enumerators[0].Name.Should().Be("PERF_CONTEXT_HV");
    }

    [SkippableFact]
    public void Per_cpu_variables_have_types_other_globals_do_not()
    {
        Catalog.FindVariableType("runqueues")!.DisplayName.Should().Be("struct rq");
        Catalog.FindVariableType("cpu_info")!.DisplayName.Should().Be("struct cpuinfo_x86");
        Catalog.FindVariableType("current_task")!.DisplayName.Should().Be("struct task_struct *");
        Catalog.FindVariableType("nr_cpu_ids").Should().BeNull("kernel BTF only describes per-cpu variables");
        Catalog.FindVariableType("slab_caches").Should().BeNull();
    }

    [SkippableFact]
    public void Functions_have_prototypes()
    {
        var schedule = Catalog.FindFunctionType("schedule")!;
        schedule.Kind.Should().Be(TypeKind.Function);
        schedule.DisplayName.Should().Be("void (void)");
        var kfree = Catalog.FindFunctionType("kfree")!;
        kfree.Parameters.Should().ContainSingle().Which.DisplayName.Should().Be("const void *");
        Catalog.FindFunctionType("no_such_function").Should().BeNull();
        Catalog.FindType("schedule").Should().BeNull("functions are not types");
    }

    [SkippableFact]
    public void Duplicate_names_prefer_the_first_definition_and_list_all()
    {
        // struct irq_info is defined three times (different compilation units); pahole shows the first.
        var all = Catalog.FindTypes("struct irq_info");
        all.Should().HaveCount(3);
        all[0].Should().BeSameAs(Catalog.FindType("struct irq_info"));
        all[0].Size.Should().Be(32);
        all[0].Members.Select(m => m.Name).Should().Equal("node", "irq", "lock", "head");
    }

    [SkippableFact]
    public void A_complete_definition_wins_over_a_forward_declaration()
    {
        // Find a name that exists both as FWD and as a full struct, by looking at the raw records.
        var table = Catalog.Table;
        string? both = null;
        for (int id = 1; id < table.Count && both is null; id++)
        {
            if (table.Kind(id) != BtfKind.Fwd || table.KindFlag(id)) continue;
            var name = table.Name(id);
            if (Catalog.FindTypes("struct " + name).Any(t => t.Kind == TypeKind.Struct)) both = name;
        }
        if (both is null) return;
        Catalog.FindType("struct " + both)!.Kind.Should().Be(TypeKind.Struct);
        Catalog.FindTypes("struct " + both).Should().Contain(t => t.Kind == TypeKind.Forward);
    }

    [SkippableFact]
    public void A_forward_declaration_alone_is_found_with_size_zero()
    {
        // assoc_array_ptr is only ever declared in the kernel (a tagged pointer type).
        var fwd = Catalog.FindType("struct assoc_array_ptr")!;
        fwd.Kind.Should().Be(TypeKind.Forward);
        fwd.Size.Should().Be(0);
        fwd.Name.Should().Be("assoc_array_ptr");
        fwd.DisplayName.Should().Be("struct assoc_array_ptr");
        new PointerType(fwd).DisplayName.Should().Be("struct assoc_array_ptr *");
    }

    [SkippableFact]
    public void Type_names_list_every_namespace()
    {
        var names = Catalog.TypeNames.ToHashSet();
        names.Should().Contain(["struct kmem_cache", "union fpregs_state", "enum zone_type", "u64", "unsigned int", "pg_data_t"]);
        names.Should().NotContain("schedule");
        names.Should().NotContain("runqueues");
    }

    [SkippableFact]
    public void Types_are_materialised_once_and_shared()
    {
        var a = Catalog.FindType("struct kmem_cache")!;
        var b = Catalog.FindType("kmem_cache")!;
        a.Should().BeSameAs(b);
        a.Members[0].Type.Should().BeSameAs(a.Members[0].Type);
        a.FindMember("list").Type.Should().BeSameAs(Catalog.FindType("struct list_head"));
        Parallel.For(0, 8, _ => Catalog.FindType("struct task_struct")!.Members.Count.Should().Be(244));
    }
}
