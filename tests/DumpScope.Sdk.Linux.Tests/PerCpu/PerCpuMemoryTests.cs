namespace DumpScope.Sdk.Linux.Tests.PerCpu;

/// <summary>per_cpu_ptr, per_cpu, the CPU iterators and percpu_counter_sum on a synthetic three-CPU kernel.</summary>
public sealed class PerCpuMemoryTests
{
    private const ulong Runqueues = 0x2_0000, Counter = 0xffff_8880_0001_0000, Deltas = 0x3_0000;

    private static SyntheticKernel Kernel()
    {
        var k = new SyntheticKernel(nrCpuIds: 3);
        k.Struct("struct rq", ("nr_running", k.T("unsigned int")), ("cpu", k.T("int")));
        k.Struct("struct percpu_counter", ("lock", k.T("int")), ("count", k.T("long")), ("counters", k.Ptr("int")));
        k.Symbols.Add("runqueues", Runqueues);
        for (int cpu = 0; cpu < 3; cpu++)
        {
            k.Zero("struct rq", k.PerCpuPtr(Runqueues, cpu));
            k.Set("struct rq", k.PerCpuPtr(Runqueues, cpu), "cpu", (ulong)cpu);
        }
        k.Zero("struct percpu_counter", Counter);
        k.Set("struct percpu_counter", Counter, "count", 100);
        k.Set("struct percpu_counter", Counter, "counters", Deltas);
        int[] deltas = [5, -7, 1];
        for (int cpu = 0; cpu < 3; cpu++) k.Memory.Write(k.PerCpuPtr(Deltas, cpu), BitConverter.GetBytes(deltas[cpu]));
        return k;
    }

    [Fact]
    public void Each_cpus_copy_is_the_per_cpu_address_plus_its_offset()
    {
        var k = Kernel();
        k.ForEachPossibleCpu().Should().Equal(0, 1, 2);
        k.ForEachOnlineCpu().Should().Equal(0, 1, 2);
        foreach (int cpu in k.ForEachPossibleCpu())
        {
            k.PerCpuPtr(Runqueues, cpu).Should().Be(Runqueues + k.PerCpuOffset(cpu));
            k.PerCpu("runqueues", "struct rq", cpu)["cpu"].ReadSigned().Should().Be(cpu);
        }
        var unknown = () => k.PerCpu("no_such_var", "struct rq", 0);
        unknown.Should().Throw<TypeNotFoundException>().WithMessage("*no_such_var*");
    }

    [Fact]
    public void Percpu_counter_sum_adds_every_possible_cpus_signed_delta_to_count()
    {
        var k = Kernel();
        PerCpuMemory.TryPercpuCounterSum(k.Object("struct percpu_counter", Counter), out var sum, out var count, out var problem).Should().BeTrue(problem);
        count.Should().Be(100, "percpu_counter_read: the central count alone");
        sum.Should().Be(99);
    }

    [Fact]
    public void An_unreadable_cpu_delta_is_a_problem_naming_the_cpu_not_a_wrong_sum()
    {
        var k = Kernel();
        k.Memory.Exclude(k.PerCpuPtr(Deltas, 2));
        PerCpuMemory.TryPercpuCounterSum(k.Object("struct percpu_counter", Counter), out _, out var count, out var problem).Should().BeFalse();
        problem.Should().StartWith("cpu 2 counter:");
        count.Should().Be(100);

        k.Memory.Exclude(Counter);
        PerCpuMemory.TryPercpuCounterSum(k.Object("struct percpu_counter", Counter), out _, out _, out problem).Should().BeFalse();
        problem.Should().NotBeNullOrEmpty();
    }
}
