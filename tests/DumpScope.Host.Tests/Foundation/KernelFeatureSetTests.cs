namespace DumpScope.Host.Tests.Foundation;

public class KernelFeatureSetTests
{
    [Fact]
    public void Features_are_listed_in_the_common_order_then_by_name_and_a_later_record_replaces_an_earlier()
    {
        var set = new KernelFeatureSet();
        set.Record("zeta", "z", "z", "t");
        set.Record(KernelFeatureNames.Printk, "log_buf records", "no prb symbol", "Printk");
        set.Record(KernelFeatureNames.Kallsyms, "named by VMCOREINFO", "SYMBOL(kallsyms_names)", "host");
        set.Record("alpha", "a", "a", "t");
        set.Record(KernelFeatureNames.Printk, "ring buffer (5.10 layout)", "prb_desc_ring is 40 bytes", "Printk");
        set.All.Select(f => f.Name).Should().Equal(KernelFeatureNames.Kallsyms, KernelFeatureNames.Printk, "alpha", "zeta");
        set.All.Single(f => f.Name == KernelFeatureNames.Printk).Value.Should().Be("ring buffer (5.10 layout)");
        var empty = () => set.Record("", "v", "h", "t");
        empty.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void A_kernel_without_its_own_set_gets_one_kept_per_kernel()
    {
        IKernel one = new SyntheticKernel(), other = new SyntheticKernel();
        one.Features.Record("x", "1", "h", "t");
        one.Features.All.Should().ContainSingle();
        other.Features.All.Should().BeEmpty();
        one.Features.Should().BeSameAs(one.Features);
    }

    [Fact]
    public void The_report_runs_every_probe_and_lists_a_failing_one_without_stopping()
    {
        IKernel kernel = new SyntheticKernel();
        var table = KernelFeatureReport.Build(kernel, [new ThrowingProbe(), new TaskStateProbe()]);
        table.Title.Should().Be(KernelFeatureReport.Title);
        table.Columns.Select(c => c.Name).Should().Equal("FEATURE", "VALUE", "HOW PROBED", "BY");
        table.Rows[0].Cells.Select(c => c.Value).Should().Equal(KernelFeatureNames.TaskState, "__state (unsigned int)", "task_struct has __state", "Sched");
        table.Rows[1].Cells[0].Value.Should().Be(nameof(ThrowingProbe));
        table.Rows[1].Cells[1].Absence.Should().Be(Absence.Unreadable);
        table.Rows[1].Cells[1].Reason.Should().Be("the probe failed: InvalidOperationException: no such member");
    }

    private sealed class ThrowingProbe : IKernelFeatureProbe
    {
        public void Probe(IKernel kernel) => throw new InvalidOperationException("no such member");
    }

    private sealed class TaskStateProbe : IKernelFeatureProbe
    {
        public void Probe(IKernel kernel) => kernel.Features.Record(KernelFeatureNames.TaskState, "__state (unsigned int)", "task_struct has __state", "Sched");
    }
}
