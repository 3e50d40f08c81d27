using DumpScope.Host.Commands.Builtins;
using DumpScope.Host.Kernel;
using Microsoft.Extensions.DependencyInjection;

namespace DumpScope.Host.Tests.Kernel;

public class BuiltinCommandTests
{
    private static CommandContext Context(IKernel? kernel, string line)
    {
        var services = new ServiceCollection();
        if (kernel is not null) services.AddSingleton(kernel);
        return new CommandContext(services.BuildServiceProvider(), line, CancellationToken.None);
    }

    private static CommandResult Run(ICommand command, string line, IKernel? kernel = null) =>
        command.Execute(Context(kernel ?? OpenedKernels.Kd1Zlib, line));

    private static TableBlock Table(CommandResult result, int index = 0) => result.Blocks.OfType<TableBlock>().ElementAt(index);

    private static RecordField Field(CommandResult result, string name) =>
        result.Blocks.OfType<RecordBlock>().SelectMany(r => r.Fields).Single(f => f.Name == name);

    private static ulong Symbol(string name)
    {
        OpenedKernels.Kd1Zlib.Symbols.TryGetAddress(name, out var address).Should().BeTrue(name);
        return address;
    }

    [SkippableFact]
    public void Sym_gives_a_symbols_address_and_the_symbol_at_an_address()
    {
        var initTask = FixtureFacts.Kd1GuestKallsyms()["init_task"];
        var byName = Run(new SymCommand { Target = "init_task" }, "sym init_task");
        byName.Failed.Should().BeFalse();
        Table(byName).Rows.Single().Cells.Select(c => c.Value).Should().Equal(initTask, "D", "init_task");

        var byAddress = Run(new SymCommand { Target = $"{initTask + 0x10:x}" }, "sym ADDR");
        Table(byAddress).Rows.Single().Cells[2].Value.Should().Be("init_task+16");
        Table(byAddress).Rows.Single().Targets.Should().ContainSingle(t => t.Subject == new SymbolTarget("init_task"));

        Run(new SymCommand { Target = "0x" + (initTask + 0x10).ToString("x") }, "sym 0x…").Blocks.Should().NotBeEmpty();
        Run(new SymCommand { Target = "no_such_symbol_here" }, "sym x").Error.Should().Be("sym: 'no_such_symbol_here' is neither a symbol nor a hex address");
        Run(new SymCommand { Target = "ffff800000000000" }, "sym x").Error.Should().StartWith("sym: no symbol at or near ffff800000000000");
    }

    [SkippableFact]
    public void Vtop_shows_each_level_and_agrees_with_the_arithmetic()
    {
        var kernel = OpenedKernels.Kd1Zlib;
        var banner = Symbol("linux_banner");
        var result = Run(new VtopCommand { Address = "linux_banner" }, "vtop linux_banner");
        result.Failed.Should().BeFalse();
        result.Warnings.Should().BeEmpty();
        kernel.AddressSpace.TryFastPath(banner, out var expected, out _).Should().BeTrue();
        Field(result, "PHYSICAL").Value.Value.Should().Be(expected);
        Field(result, "SYMBOL").Value.Value.Should().Be("linux_banner");
        Field(result, "ARITHMETIC").Value.Value.Should().Be($"kernel image: {expected:x16}");
        Field(result, "PAGE IN DUMP").Value.Value.Should().Be("present");
        var levels = Table(result);
        levels.Rows.Select(r => r.Cells[0].Value).Should().StartWith(["PGD", "PUD", "PMD"]);
        levels.Rows[0].Cells[1].Value.Should().Be(kernel.AddressSpace.PageTableRoot + ((banner >> 39) & 511) * 8);
        levels.Rows.Should().OnlyContain(r => ((string)r.Cells[4].Value!).StartsWith("PRESENT"));
        ulong pageSize = (ulong)Field(result, "PAGE SIZE").Value.Value!;
        ((ulong)levels.Rows[^1].Cells[3].Value!).Should().Be(expected & ~(pageSize - 1));

        var direct = kernel.AddressSpace.DirectMapBase!.Value + expected;
        var viaDirect = Run(new VtopCommand { Address = direct.ToString("x") }, "vtop DIRECT");
        Field(viaDirect, "PHYSICAL").Value.Value.Should().Be(expected);
        Field(viaDirect, "ARITHMETIC").Value.Value.Should().Be($"direct map: {expected:x16}");
    }

    [SkippableFact]
    public void Vtop_of_unmapped_and_non_canonical_addresses_reports_without_failing()
    {
        var unmapped = Run(new VtopCommand { Address = "ffff800000000000" }, "vtop");
        unmapped.Failed.Should().BeFalse();
        Field(unmapped, "PHYSICAL").Value.Absence.Should().Be(Absence.Unreadable);
        Field(unmapped, "PHYSICAL").Value.Reason.Should().StartWith("not mapped: kernel virtual address: ffff800000000000");
        Table(unmapped).Rows[^1].Problem.Should().Contain("not present");

        var nonCanonical = Run(new VtopCommand { Address = "0000800000000000" }, "vtop");
        Field(nonCanonical, "PHYSICAL").Value.Reason.Should().StartWith("non-canonical address");
        nonCanonical.Warnings.Should().ContainSingle().Which.Should().StartWith("non-canonical address");
        Run(new VtopCommand { Address = "zzz" }, "vtop").Error.Should().StartWith("vtop: 'zzz'");
    }

    [SkippableFact]
    public void Ptov_gives_the_direct_map_address_whose_contents_are_the_symbols()
    {
        var kernel = OpenedKernels.Kd1Zlib;
        kernel.AddressSpace.TryFastPath(Symbol("linux_banner"), out var physical, out _);
        var result = Run(new PtovCommand { PhysicalAddress = physical.ToString("x") }, "ptov");
        var row = Table(result).Rows.Single();
        var virtualAddress = (ulong)row.Cells[0].Value!;
        virtualAddress.Should().Be(kernel.AddressSpace.DirectMapBase!.Value + physical);
        row.Cells[2].Value.Should().Be("present");
        var banner = Run(new RdCommand { Address = virtualAddress.ToString("x"), Count = 2 }, "rd");
        ((string)Table(banner).Rows[0].Cells[^1].Value!).Should().Be("Linux version 6.");

        Run(new PtovCommand { PhysicalAddress = "fffffffffff000" }, "ptov").Error.Should().Contain("beyond the memory the dump describes");
        Run(new PtovCommand { PhysicalAddress = "xyz" }, "ptov").Error.Should().Contain("not a hexadecimal physical address");
    }

    [SkippableFact]
    public void Rd_prints_words_in_each_width_with_ascii()
    {
        var sixtyFour = Run(new RdCommand { Address = "linux_banner", Count = 4 }, "rd linux_banner 4");
        var table = Table(sixtyFour);
        table.Columns.Select(c => c.Name).Should().Equal("ADDRESS", "+0", "+8", "ASCII");
        table.Rows.Should().HaveCount(2);
        table.Rows[0].Cells[0].Value.Should().Be(Symbol("linux_banner"));
        table.Rows[0].Cells[1].Value.Should().Be("65762078756e694c", "\"Linux ve\" read as a little-endian word");
        string.Concat(table.Rows.Select(r => (string)r.Cells[^1].Value!)).Should().Be($"Linux version {OpenedKernels.Kd1Zlib.Release}"[..32]);

        var bytes = Table(Run(new RdCommand { Address = "linux_banner", Count = 5, Bytes8 = true }, "rd -8"));
        bytes.Columns.Should().HaveCount(18);
        bytes.Rows.Single().Cells.Skip(1).Take(6).Select(c => c.Value).Should().Equal("4c", "69", "6e", "75", "78", null);
        bytes.Rows.Single().Cells[6].Absence.Should().Be(Absence.NotApplicable);
        bytes.Rows.Single().Cells[^1].Value.Should().Be("Linux");

        var words = Table(Run(new RdCommand { Address = "linux_banner", Count = 4, Bytes32 = true }, "rd -32"));
        words.Rows.Single().Cells[1].Value.Should().Be("756e694c");
        var halves = Table(Run(new RdCommand { Address = "linux_banner", Count = 1, Bytes16 = true }, "rd -16"));
        halves.Rows.Single().Cells[1].Value.Should().Be("694c");
    }

    [SkippableFact]
    public void Rd_marks_unreadable_lines_and_goes_on()
    {
        var kernel = OpenedKernels.Kd1Zlib;
        ulong pfn = 0x1000;
        while (!(kernel.Dump.GetPageState(pfn) == PageState.Excluded && kernel.Dump.GetPageState(pfn - 1) == PageState.Present)) pfn++;
        ulong va = kernel.AddressSpace.DirectMapBase!.Value + pfn * 4096;
        var result = Run(new RdCommand { Address = (va - 16).ToString("x"), Count = 6 }, "rd");
        result.Failed.Should().BeFalse();
        var rows = Table(result).Rows;
        rows.Should().HaveCount(3);
        rows[0].Problem.Should().BeNull();
        rows[0].Cells[1].HasValue.Should().BeTrue();
        foreach (var row in rows.Skip(1))
        {
            // One reason for the run of lines on the same excluded page, naming its first address.
            row.Cells[1].Reason.Should().StartWith($"page excluded: kernel virtual address: {va:x}");
            row.Cells[1].Absence.Should().Be(Absence.Unreadable);
            row.Cells[^1].Absence.Should().Be(Absence.Unreadable);
        }
    }

    [SkippableFact]
    public void Rd_with_symbols_names_pointers_into_the_kernel()
    {
        // init_task holds pointers to itself (its empty lists) and to init_stack.
        var result = Run(new RdCommand { Address = "init_task", Count = 512, Symbols = true }, "rd -s init_task 512");
        var texts = Table(result).Rows.SelectMany(r => r.Cells.Skip(1).SkipLast(1)).Select(c => c.Value as string).ToList();
        texts.Should().Contain(t => t != null && t.StartsWith("init_task+", StringComparison.Ordinal));
        texts.Should().Contain("init_stack");
    }

    [SkippableFact]
    public void Rd_reads_physical_memory_with_p()
    {
        var kernel = OpenedKernels.Kd1Zlib;
        kernel.AddressSpace.TryFastPath(Symbol("linux_banner"), out var physical, out _);
        var result = Run(new RdCommand { Address = physical.ToString("x"), Count = 2, Physical = true }, "rd -p");
        Table(result).Title.Should().Be("physical memory");
        Table(result).Rows.Single().Cells[^1].Value.Should().Be("Linux version 6.");
    }

    [Fact]
    public void Rd_refuses_contradictory_options()
    {
        var kernel = new SyntheticKernel();
        kernel.Global("linux_banner", 0xffff_ffff_8200_0000UL, 0);
        FluentActions.Invoking(() => Run(new RdCommand { Address = "linux_banner", Bytes8 = true, Bytes16 = true }, "rd", kernel))
            .Should().Throw<UsageException>().WithMessage("rd: give at most one of*");
        FluentActions.Invoking(() => Run(new RdCommand { Address = "linux_banner", Count = 0 }, "rd", kernel))
            .Should().Throw<UsageException>().WithMessage("rd: COUNT must be*");
        FluentActions.Invoking(() => Run(new RdCommand { Address = "linux_banner", Symbols = true, Bytes32 = true }, "rd", kernel))
            .Should().Throw<UsageException>().WithMessage("rd: -s needs 64-bit words");
    }

    [Fact]
    public void Commands_need_a_dump()
    {
        var context = Context(null, "sym init_task");
        ICommand[] commands = [new SymCommand { Target = "x" }, new VtopCommand { Address = "0" }, new PtovCommand { PhysicalAddress = "0" }, new RdCommand { Address = "0" }];
        foreach (var command in commands)
            FluentActions.Invoking(() => command.Execute(context)).Should().Throw<NoDumpException>();
    }
}
