using DumpScope.Plugins.Tasks.Commands;
using Microsoft.Extensions.DependencyInjection;

namespace DumpScope.Plugins.Tasks.Tests.Synthetic;

/// <summary>ps, ps --tree and task on <see cref="SyntheticTasks"/>: threads, which kd1 does not have.</summary>
public sealed class SyntheticTasksTests
{
    private static (SyntheticTasks World, ServiceProvider Services) Build()
    {
        var world = new SyntheticTasks();
        return (world, world.Kernel.Services(s => s.AddSingleton<TaskAnalyzer>()));
    }

    [Fact]
    public void Threads_are_listed_from_their_leaders_signal_thread_head()
    {
        var (_, services) = Build();
        var result = services.Run<PsCommand>("ps");
        var rows = PsRow.From(result);
        rows.Select(r => (r.Pid, r.Comm, r.Task)).Should().Equal(
            (0L, "[swapper/0]", SyntheticTasks.InitTask), (0L, "[swapper/1]", SyntheticTasks.Idle1), (2L, "[kworker]", SyntheticTasks.Kworker),
            (10L, "server", SyntheticTasks.Server), (11L, "server-io", SyntheticTasks.Thread11), (12L, "server-io", SyntheticTasks.Thread12));
        rows.Should().OnlyContain(r => r.Problem == null);
        rows.Select(r => r.State).Should().Equal("RU", "RU", "ID", "IN", "RU", "UN");
        // Threads report their process's parent, like /proc's PPid.
        rows.Where(r => r.Pid >= 10).Should().OnlyContain(r => r.Ppid == 0);
        // One mm, one RSS: file 10 + anon 20 + 2 unsynchronised anon pages of thread 11 + shmem 5 = 37 pages.
        rows.Where(r => r.Pid >= 10).Should().OnlyContain(r => r.RssKiB == 37 * 4 && r.VszKiB == 400);
        var thread11 = rows.Single(r => r.Pid == 11);
        thread11.Panicking.Should().BeTrue("CPU 0 panicked and thread 11 was its runqueue's curr");
        rows.Single(r => r.Pid == 0 && r.Cpu == 1).Active.Should().BeTrue();
        result.Warnings.Should().Contain(w => w.Contains("task_state_array is not in the symbol table"));
        result.Warnings.Should().HaveCount(1, "only the missing state names are worth a note");

        var leaders = PsRow.From(services.Run<PsCommand>("ps -G", c => c.GroupLeaders = true));
        leaders.Select(r => r.Pid).Should().Equal(0L, 0L, 2L, 10L);
    }

    [Fact]
    public void The_tree_shows_threads_in_braces_under_their_leader()
    {
        var (_, services) = Build();
        var result = services.Run<PsTreeCommand>("pstree");
        var comms = result.Blocks.OfType<TableBlock>().First().Rows.Select(r => (string)r.Cells[5].Value!).ToArray();
        comms.Should().Equal("[swapper/0]", "|- [swapper/1]", "|- [kworker]", "`- server", "   |- {server-io}", "   `- {server-io}");
    }

    [Fact]
    public void Task_of_a_thread_leads_to_its_process_and_shared_mm()
    {
        var (_, services) = Build();
        var result = services.Run<TaskCommand>("task");
        var record = result.Blocks.OfType<RecordBlock>().Single();
        record.Title.Should().Contain("PID: 11").And.Contain("server-io");
        record.Fields.Single(f => f.Name == "tgid").Value.Value.Should().Be(10L);
        record.Fields.Single(f => f.Name == "panicking").Value.Value.Should().Be(true);
        record.Fields.Single(f => f.Name == "rss file/anon/shmem (KiB)").Value.Value.Should().Be("40/88/20");
        record.Targets.Select(t => t.Command).Should().Contain($"struct mm_struct {SyntheticTasks.Mm:x}");
    }

    [Fact]
    public void A_thread_missing_from_the_pid_namespace_is_reported()
    {
        var (world, services) = Build();
        // Unhook thread 12 from its struct pid: the PID namespace no longer leads to it.
        world.Kernel.Memory.WriteU64(0xffff_8880_0320_0000UL + 12 * 0x100 + world.Offset("struct pid", "tasks[0].first"), 0);
        var result = services.Run<PsCommand>("ps");
        PsRow.From(result).Single(r => r.Pid == 12).Problem.Should().Contain("not found through the PID namespace");
        result.Warnings.Should().Contain(w => w.Contains("pid 12") && w.Contains("not in the PID namespace"));
    }
}
