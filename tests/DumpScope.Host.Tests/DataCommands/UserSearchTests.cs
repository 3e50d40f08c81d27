namespace DumpScope.Host.Tests.DataCommands;

/// <summary>
/// <c>search -u</c>: a task's user memory through its own page tables. q1 (QEMU's dump-guest-memory) holds every page,
/// user pages too; kd1 (makedumpfile -d 31) leaves user pages out, which the search must skip and count.
/// </summary>
public class UserSearchTests
{
    private static readonly Lazy<DumpScopeSession> Q1Lazy = new(() => FixtureSession.Open(Fixtures.Q1Elf));

    private static KernelObject Task(IKernel kernel, string comm) =>
        KernelTasks.ForEachTask(kernel).Items.First(t => KernelTasks.TaskComm(t) == comm);

    [SkippableFact]
    public void Q1_finds_argv0_on_the_user_stack_where_the_kernel_put_it()
    {
        // execve leaves argc at mm->start_stack and argv[0] (a pointer to mm->arg_start) in the word above it: a value
        // and an address the kernel recorded, found by reading the process's own page tables.
        var session = Q1Lazy.Value;
        var kernel = session.Kernel();
        var task = Task(kernel, "worker-alpha");
        var mm = kernel.Object("struct mm_struct", task["mm"].ReadPointer());
        ulong argStart = mm["arg_start"].ReadUnsigned(), startStack = mm["start_stack"].ReadUnsigned();
        var result = session.Run($"search -u --task {KernelTasks.TaskPid(task)} {argStart:x}");
        result.Error.Should().BeNull();
        var hits = result.Blocks.OfType<TableBlock>().Single().Rows;
        hits.Select(r => (ulong)r.Cells[0].Value!).Should().Contain(startStack + 8);
        hits.Should().Contain(r => r.Text == $"{startStack + 8:x}: {argStart:x16}", "crash prints user addresses as %lx");
        result.Warnings.Should().ContainSingle().Which.Should().Contain("0 not in the dump");
    }

    [SkippableFact]
    public void Q1_finds_the_command_line_inside_the_args_area_through_the_current_task()
    {
        var session = Q1Lazy.Value;
        var kernel = session.Kernel();
        var task = Task(kernel, "worker-beta");
        var mm = kernel.Object("struct mm_struct", task["mm"].ReadPointer());
        ulong argStart = mm["arg_start"].ReadUnsigned(), argEnd = mm["arg_end"].ReadUnsigned();
        session.Run($"set {task.Address:x}").Error.Should().BeNull();
        try
        {
            var result = session.Run("search -u -c worker-beta");
            result.Error.Should().BeNull();
            result.Blocks.OfType<TableBlock>().Single().Rows.Select(r => (ulong)r.Cells[0].Value!)
                .Should().Contain(a => a >= argStart && a < argEnd, "the script's name is in its argv");
            // A range limits the search to it.
            var ranged = session.Run($"search -u -s {argStart:x} -e {argEnd:x} -c worker-beta");
            ranged.Blocks.OfType<TableBlock>().Single().Rows.Should().NotBeEmpty()
                .And.OnlyContain(r => (ulong)r.Cells[0].Value! >= argStart && (ulong)r.Cells[0].Value! < argEnd);
        }
        finally
        {
            session.Run("set --clear");
        }
    }

    [SkippableFact]
    public void Kd1_skips_the_user_pages_the_dump_left_out_and_says_how_many()
    {
        var result = DataCommandRuns.Kd1.Run("search -u --task 1 deadbeefdeadbeef");
        result.Error.Should().BeNull();
        result.Blocks.OfType<TableBlock>().Single().Rows.Should().BeEmpty();
        var note = result.Warnings.Should().ContainSingle().Which;
        note.Should().StartWith("search: pid 1 (init):");
        long notInDump = long.Parse(System.Text.RegularExpressions.Regex.Match(note, @"(\d+) not in the dump").Groups[1].Value, CultureInfo.InvariantCulture);
        notInDump.Should().BeGreaterThan(100, "makedumpfile -d 31 excludes user pages");
    }

    [SkippableFact]
    public void A_kernel_thread_has_no_user_memory_and_options_are_checked()
    {
        DataCommandRuns.Kd1.Run("search -u --task 2 0").Error.Should().Contain("kernel thread");
        DataCommandRuns.Kd1.Run("search -u -p 0").Error.Should().Contain("one of -k, -u, -p");
        DataCommandRuns.Kd1.Run("search --task 1 0").Error.Should().Contain("--task goes with -u");
    }

    [SkippableFact]
    public void Q1_user_search_stops_when_cancelled()
    {
        var session = Q1Lazy.Value;
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        session.Run("search -u --task 1 deadbeef", cancel.Token).Error.Should().Be("search: cancelled");
    }
}
