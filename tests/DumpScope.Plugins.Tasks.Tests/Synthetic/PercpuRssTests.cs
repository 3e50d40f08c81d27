namespace DumpScope.Plugins.Tasks.Tests.Synthetic;

/// <summary>
/// RSS on the 6.2+ layout (struct percpu_counter rss_stat[NR_MM_COUNTERS]), which the 6.1 fixture kernel does not
/// have: the counter is count plus every possible CPU's s32 delta, clamped at 0.
/// </summary>
public sealed class PercpuRssTests
{
    private const ulong Mm = 0xffff_8880_0001_0000;
    private const ulong Percpu = 0xffff_9000_0000_0000;

    [Fact]
    public void Percpu_counters_are_summed_over_the_possible_cpus_and_clamped_at_zero()
    {
        var ulongType = new IntegerType("unsigned long", 8, false);
        var s64 = new IntegerType("s64", 8, true);
        var counter = new SyntheticStruct("percpu_counter", 40)
            .Add("lock", new IntegerType("int", 4, true), 0)
            .Add("count", s64, 8)
            .Add("counters", new PointerType(new IntegerType("s32", 4, true)), 32);
        var mm = new SyntheticStruct("mm_struct", 8 + 4 * 40).Add("total_vm", ulongType, 0).Add("rss_stat", new ArrayType(counter, 4), 8);
        var task = new SyntheticStruct("task_struct", 64)
            .Add("__state", new IntegerType("unsigned int", 4, false), 0)
            .Add("pid", new IntegerType("int", 4, true), 4)
            .Add("tgid", new IntegerType("int", 4, true), 8)
            .Add("mm", new PointerType(mm), 16)
            .Add("tasks", new ArrayType(ulongType, 2), 24)
            .Add("comm", new ArrayType(new IntegerType("char", 1, true), 16), 40);
        var kernel = new SyntheticKernel(new SyntheticTypes(counter, mm, task));
        var bytes = kernel.Memory;
        bytes.WriteU64(Mm, 50);
        long[] counts = [0, 20, 0, 5];
        int[][] deltas = [[-2, -3, 0, 0], [1, 2, 0, 1]]; // per CPU, per counter
        for (int i = 0; i < 4; i++)
        {
            ulong at = Mm + 8 + (ulong)i * 40;
            bytes.WriteU64(at + 8, (ulong)counts[i]);
            bytes.WriteU64(at + 32, Percpu + (ulong)i * 4);
            for (int cpu = 0; cpu < 2; cpu++)
                bytes.Write(kernel.PerCpuPtr(Percpu + (ulong)i * 4, cpu), BitConverter.GetBytes(deltas[cpu][i]));
        }

        MmCounters.Of(kernel).Kind.Should().Be(MmCounterKind.PercpuCounter);
        bytes.Write(0xffff_8880_0002_0000, new byte[64]);
        var info = new TaskInfo(0xffff_8880_0002_0000, kernel.Object("struct task_struct", 0xffff_8880_0002_0000).Load()) { Mm = Mm, Pid = 1, Tgid = 1 };
        var table = new TaskTable([info], [], null, null, [], [], null);

        var usage = new MemoryUsageReader(kernel, table).For(info);
        usage.Problem.Should().BeNull();
        usage.VszKiB.Should().Be(200);
        // file 0 - 2 + 1 = -1 → 0; anon 20 - 3 + 2 = 19; shmem 5 + 0 + 1 = 6.
        usage.FileKiB.Should().Be(0);
        usage.AnonKiB.Should().Be(19 * 4);
        usage.ShmemKiB.Should().Be(6 * 4);
        usage.RssKiB.Should().Be(25 * 4);
        usage.PercentOfRam.Should().BeNull("the kernel has no totalram_pages symbol");
    }
}
