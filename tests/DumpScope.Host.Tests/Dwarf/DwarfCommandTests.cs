using DumpScope.Host.Commands.Builtins;
using DumpScope.Host.Kernel;
using DumpScope.Host.Tests.Types;
using Microsoft.Extensions.DependencyInjection;

namespace DumpScope.Host.Tests.Dwarf;

/// <summary><c>p</c> and <c>whatis</c> on kd1 with the vmlinux's DWARF types.</summary>
public class DwarfCommandTests
{
    private static CommandResult Run(IKernel kernel, ICommand command, string line) =>
        new ServiceCollection().AddSingleton(kernel).BuildServiceProvider().Run(command, line);

    private static CommandResult Print(IKernel kernel, string expression, int? cpu = null) =>
        Run(kernel, new PrintCommand { Expression = expression, Cpu = cpu }, $"p {expression}");

    private static Cell Field(CommandResult result, string name) =>
        result.Blocks.OfType<RecordBlock>().First().Fields.Single(f => f.Name == name).Value;

    private static IReadOnlyList<string> Text(CommandResult result) => result.Blocks.OfType<TextBlock>().SelectMany(t => t.Lines).ToList();

    [SkippableFact]
    public void P_nr_cpu_ids_prints_the_number_of_cpu_ids()
    {
        var kernel = FixtureDwarf.Kd1;
        var result = Print(kernel, "nr_cpu_ids");
        result.Failed.Should().BeFalse(result.Error);
        Text(result)[0].Should().Be("nr_cpu_ids = 2", "kd1's guest ran with -smp 2,maxcpus=2");
        Field(result, "TYPE").Value.Should().Be("unsigned int");
        Field(result, "VALUE").Value.Should().Be(2UL);
        ((ulong)Field(result, "VALUE").Value!).Should().Be(kernel.NrCpuIds, "the kernel facts read the same variable");
        kernel.Symbols.TryGetAddress("nr_cpu_ids", out var address).Should().BeTrue();
        Field(result, "ADDRESS").Should().Be(Cell.Address(address));
    }

    [SkippableFact]
    public void Whatis_slab_caches_says_struct_list_head()
    {
        var kernel = FixtureDwarf.Kd1;
        var result = Run(kernel, new WhatisCommand { Name = "slab_caches" }, "whatis slab_caches");
        Field(result, "KIND").Value.Should().Be("variable");
        Field(result, "TYPE").Value.Should().Be("struct list_head");
        Field(result, "SIZE").Value.Should().Be(16UL);
        Text(result).Should().Equal("struct list_head slab_caches;");
    }

    [SkippableFact]
    public void A_pointer_prints_as_crash_does_and_equals_the_memory()
    {
        var kernel = FixtureDwarf.Kd1;
        kernel.Symbols.TryGetAddress("kmem_cache", out var address).Should().BeTrue();
        ulong pointer = kernel.Memory.ReadU64(address);
        var result = Print(kernel, "kmem_cache");
        Text(result)[0].Should().Be($"kmem_cache = (struct kmem_cache *) 0x{pointer:x}");
        Field(result, "VALUE").Should().Be(Cell.Address(pointer));
    }

    [SkippableFact]
    public void A_struct_prints_its_members_and_a_member_path_prints_one()
    {
        var kernel = FixtureDwarf.Kd1;
        var caches = Print(kernel, "slab_caches");
        var table = ResultText.Table(caches);
        table.Rows.Select(r => r.Cells[0].Value).Should().Equal("next", "prev");
        var comm = Print(kernel, "init_task.comm");
        ResultText.Cell(comm, ResultText.Row(comm, "NAME", "comm"), "VALUE").Value.Should().Be("swapper/0");
        var state = Print(kernel, "init_task.__state");
        Text(state)[0].Should().StartWith("init_task.__state = ");
        Field(state, "TYPE").Value.Should().Be("unsigned int");
    }

    [SkippableFact]
    public void A_per_cpu_variable_lists_each_cpu_and_prints_one_copy()
    {
        var kernel = FixtureDwarf.Kd1;
        kernel.Symbols.TryGetAddress("runqueues", out var offset).Should().BeTrue();
        var list = Print(kernel, "runqueues");
        var table = ResultText.Table(list);
        table.Rows.Should().HaveCount((int)kernel.NrCpuIds);
        for (int cpu = 0; cpu < table.Rows.Count; cpu++)
            table.Rows[cpu].Cells[1].Should().Be(Cell.Address(offset + kernel.PerCpuOffset(cpu)));
        for (int cpu = 0; cpu < (int)kernel.NrCpuIds; cpu++)
        {
            var rq = Print(kernel, "runqueues.cpu", cpu);
            Text(rq)[0].Should().Be($"runqueues.cpu = {cpu}", "each runqueue records its own CPU number");
        }
    }

    [SkippableFact]
    public void Mistakes_are_usage_errors_that_say_what_is_wrong()
    {
        var kernel = FixtureDwarf.Kd1;
        var act = () => Print(kernel, "no_such_variable_anywhere");
        act.Should().Throw<UsageException>().WithMessage("*'no_such_variable_anywhere' is not a symbol*");
        act = () => Print(kernel, "nr_cpu_ids", cpu: 0);
        act.Should().Throw<UsageException>().WithMessage("*not a per-cpu variable*");
        act = () => Print(kernel, "runqueues", cpu: 64);
        act.Should().Throw<UsageException>().WithMessage("*CPUs run from 0 to 1*");
        act = () => Print(kernel, "slab_caches.nope");
        act.Should().Throw<UsageException>().WithMessage("*has no member 'nope'*");
    }

    [SkippableFact]
    public void With_btf_only_per_cpu_variables_have_types_and_p_says_how_to_get_the_others()
    {
        using var dump = DumpOpener.Open(Fixtures.Kd1Zlib);
        // The bare BTF catalog, without the host's declared globals (a session attaches them).
        var kernel = KernelLoader.Open(dump, new KernelOpenOptions { Types = FixtureBtf.Catalog });
        var act = () => Print(kernel, "nr_cpu_ids");
        act.Should().Throw<UsageException>().WithMessage("*do not know the type of 'nr_cpu_ids'*--vmlinux with DWARF*p (unsigned long)nr_cpu_ids*");
        var rq = Print(kernel, "runqueues.cpu", 1);
        Text(rq)[0].Should().Be("runqueues.cpu = 1");
    }
}
