using DumpScope.Host.Commands.Builtins;

namespace DumpScope.Host.Tests.Types;

/// <summary>The whatis command over the fixture BTF.</summary>
public class WhatisCommandTests
{
    private static CommandResult Run(SyntheticKernel kernel, string name) => new WhatisCommand { Name = name }.Execute(kernel.Context());

    private static SyntheticKernel Kernel() => new(ReferenceTypes.Debian61);

    private static Cell Field(CommandResult result, string name) =>
        result.Blocks.OfType<RecordBlock>().First().Fields.Single(f => f.Name == name).Value;

    private static IReadOnlyList<string> Text(CommandResult result) => result.Blocks.OfType<TextBlock>().SelectMany(t => t.Lines).ToList();

    [Fact]
    public void A_struct_shows_kind_size_and_its_definition_with_offsets()
    {
        var result = Run(Kernel(), "kmem_cache");
        Field(result, "NAME").Value.Should().Be("struct kmem_cache");
        Field(result, "KIND").Value.Should().Be("struct");
        Field(result, "SIZE").Value.Should().Be(8408UL);
        Field(result, "MEMBERS").Value.Should().Be(26UL);
        var lines = Text(result);
        lines[0].Should().Be("struct kmem_cache {");
        lines.Should().Contain("\tstruct kmem_cache_node *node[1024];  /*    216  8192 */");
        lines.Should().Contain("\tvoid (*ctor)(void *);  /*     72     8 */");
        lines.Should().Contain("\tconst char *name;  /*     96     8 */");
        lines[^1].Should().Be("SIZE: 8408");
        result.Warnings.Should().BeEmpty();
    }

    [Fact]
    public void Anonymous_members_are_nested_and_bitfields_carry_their_width()
    {
        var lines = Text(Run(Kernel(), "struct slab"));
        lines.Should().Contain("\tunion {");
        lines.Should().Contain("\t\tstruct {");
        lines.Should().Contain("\t\t\tunsigned int objects:15;  /*     40:16     4 */");
        lines.Should().Contain("\t\tlong unsigned int counters;  /*     40     8 */");
    }

    [Fact]
    public void A_typedef_resolves_and_an_enum_lists_its_values()
    {
        var result = Run(Kernel(), "u64");
        Field(result, "KIND").Value.Should().Be("typedef");
        Field(result, "RESOLVES TO").Value.Should().Be("long long unsigned int");
        Text(result)[0].Should().Be("typedef __u64 u64;");

        var anonymous = Run(Kernel(), "atomic64_t");
        Text(anonymous).Should().ContainInOrder("struct {", "\ts64 counter;  /*      0     8 */", "};", "typedef struct {...} atomic64_t;", "SIZE: 8");

        var zone = Run(Kernel(), "enum zone_type");
        Field(zone, "ENUMERATORS").Value.Should().Be(6UL);
        Text(zone).Should().Contain("\tZONE_NORMAL = 2,");
    }

    [Fact]
    public void A_member_path_gives_its_offset_and_type()
    {
        var result = Run(Kernel(), "kmem_cache.node");
        Field(result, "TYPE").Value.Should().Be("struct kmem_cache_node *[1024]");
        Field(result, "OFFSET").Value.Should().Be(216UL);
        Field(result, "SIZE").Value.Should().Be(8192UL);
        Text(result).Should().Equal("struct kmem_cache_node *node[1024];");
        var frozen = Run(Kernel(), "slab.frozen");
        Field(frozen, "OFFSET").Value.Should().Be(43UL);
        Field(frozen, "BITS").Value.Should().Be(1UL);
        Field(frozen, "BIT OFFSET").Value.Should().Be(40UL * 8 + 31);
    }

    [Fact]
    public void A_per_cpu_variable_and_a_function_have_types_other_symbols_say_why_not()
    {
        var kernel = Kernel();
        kernel.Symbols.Add("runqueues", 0x31980);
        kernel.Symbols.Add("slab_caches", 0xffffffff9e8f5a40UL);
        var rq = Run(kernel, "runqueues");
        Field(rq, "TYPE").Value.Should().Be("struct rq");
        Field(rq, "SIZE").Value.Should().Be(3264UL);
        Field(rq, "ADDRESS").Should().Be(Cell.Address(0x31980));
        Text(rq).Should().Equal("struct rq runqueues;");
        rq.Blocks.OfType<RecordBlock>().First().Targets.Should().ContainSingle().Which.Command.Should().Be("whatis \"struct rq\"");

        var schedule = Run(kernel, "schedule");
        Field(schedule, "KIND").Value.Should().Be("function");
        Text(schedule).Should().Equal("void schedule(void);");
        Field(schedule, "ADDRESS").Absence.Should().Be(Absence.NotAvailable);

        var caches = Run(kernel, "slab_caches");
        Field(caches, "ADDRESS").Should().Be(Cell.Address(0xffffffff9e8f5a40UL));
        Field(caches, "TYPE").Absence.Should().Be(Absence.NotAvailable);
        Field(caches, "TYPE").Reason.Should().Contain("no type for this symbol");
    }

    [Fact]
    public void Duplicate_definitions_are_warned_about_and_unknown_names_are_usage_errors()
    {
        var kernel = Kernel();
        Run(kernel, "struct irq_info").Warnings.Should().ContainSingle().Which.Should().Contain("3 types are named 'struct irq_info'");
        var act = () => Run(kernel, "definitely_not_a_thing");
        act.Should().Throw<UsageException>().WithMessage("*neither a type*nor a symbol*");
        act = () => Run(kernel, "kmem_cache.nope");
        act.Should().Throw<UsageException>().WithMessage("*has no member 'nope'*");
    }
}
