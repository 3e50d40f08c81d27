using DumpScope.Testing.DumpWriters;

namespace DumpScope.Plugins.Tasks.Tests;

/// <summary>
/// The scale benchmarks' tasks (<see cref="ScaleTasks"/> in a <see cref="SlubScaleKernel"/>, written by
/// <see cref="KernelDumpFile"/> as a kdump file) at a small size: ps over the written dump lists every task with
/// the pid, thread group, CPU, state and mm it was built with. The 100,000-task one is the same code
/// (bench/DumpScope.Bench make-slab-kernel), never built in the test run.
/// </summary>
public class ScaleTasksDumpTests
{
    [Fact]
    public void Ps_over_the_written_dump_lists_every_task_as_built()
    {
        var built = SlubScaleKernel.Build(new SlubScaleKernelSpec { Caches = 1, ObjectsPerCache = 100, Tasks = 402 });
        using var dump = new WrittenKernelDump(built.Kernel, built.MaxPfn);
        using var session = dump.Open(typeof(TasksPlugin).Assembly);

        var rows = PsRow.From(session.Run("ps"));
        rows.Should().HaveCount(402);
        rows.Should().OnlyContain(r => r.Problem == null);
        rows.Take(2).Select(r => r.BareComm).Should().Equal("swapper/0", "swapper/1");
        rows.Take(2).Should().OnlyContain(r => r.Active);
        var users = rows.Skip(2).ToList();
        users.Select(r => r.Pid).Should().Equal(Enumerable.Range(100, 400).Select(p => (long?)p));
        users.Should().OnlyContain(r => r.Ppid == 0 && r.Cpu == (r.Pid - 98) % 2);
        users.Where(r => r.Comm!.StartsWith("proc-104", StringComparison.Ordinal)).Should().HaveCount(ScaleTasks.ThreadsPerProcess);
        users.Select(r => r.State).Distinct().Should().BeEquivalentTo("RU", "IN", "UN");
        // rss_stat 10, 20, 30, 40 pages: file + anon + shmem = 10 + 20 + 40 pages of 4 KiB.
        users.Should().OnlyContain(r => r.RssKiB == 280);
    }
}
