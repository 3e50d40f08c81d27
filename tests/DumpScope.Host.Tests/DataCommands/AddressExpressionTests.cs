namespace DumpScope.Host.Tests.DataCommands;

/// <summary>
/// list, tree, search, dis and set take the same address expressions as rd, struct and p (crash's rules: a
/// symbol in arithmetic is its address, members and casts as in C), so each spelling of an address gives what
/// the plain hex address gives.
/// </summary>
public class AddressExpressionTests
{
    private static ulong Symbol(string name)
    {
        DataCommandRuns.Kd1.Kernel().Symbols.TryGetAddress(name, out var address).Should().BeTrue(name);
        return address;
    }

    private static ulong TasksOffset => DataCommandRuns.Kd1.Kernel().Types.Require("task_struct").FindMember("tasks").Offset;

    [SkippableFact]
    public void List_takes_a_member_expression_as_the_head()
    {
        var session = DataCommandRuns.Kd1;
        ulong head = Symbol("init_task") + TasksOffset;
        var byMember = session.Text("list -H init_task.tasks");
        byMember.Should().Be(session.Text($"list -H {head:x}"));
        byMember.Should().Be(session.Text("list -H &init_task.tasks"));
        DataCommandRuns.Lines(byMember).Should().HaveCountGreaterThan(50, "the kernel's task list holds 59 tasks besides init_task");
        var withMembers = session.Text("list task_struct.tasks -s task_struct.pid,comm -H init_task.tasks");
        withMembers.Should().Contain("pid = 1,").And.Contain("comm = \"init");
    }

    [SkippableFact]
    public void Dis_rd_search_and_set_take_symbol_arithmetic_and_members()
    {
        var session = DataCommandRuns.Kd1;
        ulong schedule = Symbol("schedule"), init = Symbol("init_task");
        session.Text("dis schedule+0x10 5").Should().Be(session.Text($"dis {schedule + 0x10:x} 5"));
        session.Text("dis schedule+16 1").Should().Contain("<schedule+16>");
        session.Text("rd init_task+0x10").Should().Be(session.Text($"rd {init + 0x10:x}"));
        session.Text("search -s init_task -e init_task+0x1000 ffffffff").Should()
            .Be(session.Text($"search -s {init:x} -e {init + 0x1000:x} ffffffff")).And.NotBeEmpty();
        session.Text("search -s &init_task.comm -l 16 -c swapper").Should().StartWith($"{init + DataCommandRuns.Kd1.Kernel().Types.Require("task_struct").FindMember("comm").Offset:x16}: swapper");
        session.Text("set init_task").Should().Be(session.Text($"set {init:x}"));
        session.Text("set &init_task").Should().Be(session.Text($"set {init:x}"));
    }

    [SkippableFact]
    public void Kd3_syscall_aliases_are_named_as_crash_names_them()
    {
        // crash 8.0.6's foreach bt on kd3 (../shared/fixtures/kd3/crash-8.0.6-*.out): "__x64_sys_pause at ffffffffaa8ad434",
        // "__x64_sys_vfork at ffffffffaa894954"; kallsyms also has __ia32_ aliases (and __do_sys_) at those functions.
        var session = DataCommandRuns.Kd3;
        session.Text("sym ffffffffaa8ad434").Should().Contain("__x64_sys_pause+36");
        session.Text("sym ffffffffaa894954").Should().Contain("__x64_sys_vfork+68");
    }

    [SkippableFact]
    public void Rd_shows_only_the_words_asked_for()
    {
        // crash leaves the words not asked for blank (no placeholder), the ASCII in its place.
        var session = DataCommandRuns.Kd1;
        ulong init = Symbol("init_task");
        var one = DataCommandRuns.Lines(session.Text("rd init_task+0x10"));
        one.Should().HaveCount(2);
        one[1].Should().MatchRegex($"^{init + 0x10:x16}  [0-9a-f]{{16}} +.{{8}}$");
        var three = DataCommandRuns.Lines(session.Text("rd init_task 3"));
        three.Should().HaveCount(3);
        three[2].Should().MatchRegex($"^{init + 0x10:x16}  [0-9a-f]{{16}} +.{{8}}$");
        string.Join("\n", three).Should().NotContain(" - ");
        // JSON keeps the typed absence.
        var cell = session.Run("rd init_task 3").Blocks.OfType<TableBlock>().Single().Rows[1].Cells[2];
        cell.Absence.Should().Be(Absence.NotApplicable);
    }

    [SkippableFact]
    public void Tree_takes_a_member_expression_as_the_root()
    {
        var session = DataCommandRuns.Kd1;
        var kernel = session.Kernel();
        ulong ns = Symbol("init_pid_ns") + kernel.Types.Require("pid_namespace").FindMember("idr.idr_rt").Offset;
        session.Text("tree -t xarray init_pid_ns.idr.idr_rt").Should().Be(session.Text($"tree -t xarray {ns:x}")).And.NotBeEmpty();
    }

    [SkippableFact]
    public void A_bad_expression_is_a_usage_error_naming_it()
    {
        var session = DataCommandRuns.Kd1;
        foreach (var command in new[] { "list -H init_task.no_such_member", "dis no_such_symbol_here", "search -s init_task+ ffff", "set init_task.comm[" })
        {
            var result = session.Run(command);
            result.Error.Should().NotBeNull(command);
            result.Error!.Should().NotContain("Exception", command);
        }
    }
}
