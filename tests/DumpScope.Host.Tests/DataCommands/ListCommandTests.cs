using DumpScope.Host.Commands.Builtins;

namespace DumpScope.Host.Tests.DataCommands;

public class ListCommandTests
{
    [SkippableFact]
    public void Kd1_task_list_with_members_equals_crash()
    {
        var crash = File.ReadAllText(Fixtures.Require("kd1/gt-vmcore.kdump-zlib-d31/tasks.txt"));
        var ours = DataCommandRuns.Kd1.Text("list task_struct.tasks -s task_struct.pid,comm -h init_task");
        DataCommandRuns.Lines(ours).Should().Equal(DataCommandRuns.Lines(crash));
    }

    [SkippableFact]
    public void Kd1_task_list_backwards_equals_crash()
    {
        Skip.If(Fixtures.Root is null && !Fixtures.UnderCi, "no fixtures");
        var crash = DataCommandRuns.Reference("kd1/crash-list-r-tasks.txt");
        var ours = DataCommandRuns.Kd1.Text("list -r task_struct.tasks -h init_task");
        DataCommandRuns.Lines(ours).Should().Equal(DataCommandRuns.Lines(crash));
    }

    [SkippableFact]
    public void Kd1_list_head_walk_gives_typed_rows_leading_to_the_struct()
    {
        var session = DataCommandRuns.Kd1;
        var kernel = session.Kernel();
        kernel.Symbols.TryGetAddress("init_task", out var init).Should().BeTrue();
        ulong tasks = kernel.Types.Require("task_struct").FindMember("tasks").Offset;
        var result = session.Run($"list -o task_struct.tasks -s task_struct.pid -H {init + tasks:x}");
        result.Error.Should().BeNull();
        var table = result.Blocks.OfType<TableBlock>().Single();
        table.Columns.Select(c => c.JsonKey).Should().Equal("address", "pid");
        // -H: the head (init_task's) is not an entry; the 59 other leaders are.
        table.Rows.Should().HaveCount(59);
        table.Rows[0].Cells[1].Value.Should().Be(1L);
        table.Rows[0].Targets[0].Subject.Should().Be(new ObjectTarget("struct task_struct", table.Rows[0].Cells[0].Value is ulong a ? a : 0));
        result.Warnings.Should().BeEmpty();
    }

    private const ulong Head = 0xffff_8880_0000_1000, A = 0xffff_8880_0000_2000, B = 0xffff_8880_0000_3000, C = 0xffff_8880_0000_4000;

    /// <summary>Entries with a list_head at offset 16: head → A → B → C → (last) back to the head.</summary>
    private static SyntheticKernel Ring(ulong lastNext)
    {
        var kernel = new SyntheticKernel(ReferenceTypes.Debian61);
        void Node(ulong at, ulong next, ulong prev)
        {
            kernel.Memory.WriteU64(at, next);
            kernel.Memory.WriteU64(at + 8, prev);
        }
        Node(Head, A + 16, C + 16);
        Node(A + 16, B + 16, Head);
        Node(B + 16, C + 16, A + 16);
        Node(C + 16, lastNext, B + 16);
        foreach (var (entry, id) in new[] { (A, 1u), (B, 2u), (C, 3u) }) kernel.Memory.WriteU32(entry, id);
        return kernel;
    }

    [Fact]
    public void A_ring_that_closes_at_its_head_is_walked_both_ways()
    {
        var kernel = Ring(Head);
        var forward = kernel.Run(new ListCommand(), $"list -o 16 -H {Head:x}");
        forward.Blocks.OfType<TableBlock>().Single().Rows.Select(r => r.Cells[0].Value).Should().Equal(A, B, C);
        forward.Warnings.Should().BeEmpty();
        var backward = kernel.Run(new ListCommand(), $"list -o 16 -r -H {Head:x}");
        backward.Blocks.OfType<TableBlock>().Single().Rows.Select(r => r.Cells[0].Value).Should().Equal(C, B, A);
    }

    [Fact]
    public void A_cycle_that_never_reaches_the_head_stops_with_the_reason()
    {
        var kernel = Ring(B + 16);
        var result = kernel.Run(new ListCommand(), $"list -o 16 -H {Head:x}");
        result.Error.Should().BeNull();
        result.Blocks.OfType<TableBlock>().Single().Rows.Select(r => r.Cells[0].Value).Should().Equal(A, B, C);
        result.Warnings.Should().ContainSingle().Which.Should().StartWith("list: cycle:").And.Contain($"{B + 16:x}");
    }

    [Fact]
    public void A_list_through_an_excluded_page_keeps_the_entries_before_it_and_marks_the_unreadable_one()
    {
        var kernel = Ring(Head);
        kernel.Memory.Exclude(B);
        var result = kernel.Run(new ListCommand(), $"list -o 16 -s list_head.next -H {Head:x}");
        var rows = result.Blocks.OfType<TableBlock>().Single().Rows;
        // B is reached (A's next names it) but neither its link nor its members can be read.
        rows.Select(r => r.Cells[0].Value).Should().Equal(A, B);
        rows[0].Problem.Should().BeNull();
        rows[1].Problem.Should().Contain("page excluded");
        rows[1].Cells[1].Absence.Should().Be(Absence.Unreadable);
        result.Warnings.Should().ContainSingle().Which.Should().StartWith("list: unreadable link:").And.Contain("page excluded");
    }

    [Fact]
    public void A_plain_chain_follows_next_pointers_to_objects_until_null_or_back_at_the_start()
    {
        var kernel = new SyntheticKernel(ReferenceTypes.Debian61);
        kernel.Memory.WriteU64(A + 8, B);
        kernel.Memory.WriteU64(B + 8, C);
        kernel.Memory.WriteU64(C + 8, 0);
        var result = kernel.Run(new ListCommand(), $"list -o 8 {A:x}");
        result.Blocks.OfType<TableBlock>().Single().Rows.Select(r => r.Cells[0].Value).Should().Equal(A, B, C);
        kernel.Memory.WriteU64(C + 8, A);
        kernel.Run(new ListCommand(), $"list -o 8 {A:x}").Warnings.Should().BeEmpty();
        var bounded = kernel.Run(new ListCommand(), $"list -o 8 --max 2 {A:x}");
        bounded.Blocks.OfType<TableBlock>().Single().Rows.Should().HaveCount(2);
        bounded.Warnings.Should().ContainSingle().Which.Should().StartWith("list: entry limit reached");
    }

    [Fact]
    public void Usage_errors_say_what_is_wrong()
    {
        var kernel = Ring(Head);
        var act = () => kernel.Run(new ListCommand(), $"list -r {A:x}");
        act.Should().Throw<UsageException>().WithMessage("*-r*-h or -H*");
        act = () => kernel.Run(new ListCommand(), $"list -o no_such_type.x {A:x}");
        act.Should().Throw<UsageException>().WithMessage("*unknown type 'no_such_type'*");
    }
}
