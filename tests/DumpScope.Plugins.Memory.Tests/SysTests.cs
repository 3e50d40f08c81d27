using DumpScope.Testing;

namespace DumpScope.Plugins.Memory.Tests;

/// <summary>sys on kd1 against crash 8.0.2's sys and the guest's ground truth.</summary>
public sealed class SysTests(Kd1Session kd1) : IClassFixture<Kd1Session>
{
    private Dictionary<string, Cell> Fields()
    {
        var result = kd1.Session.Run("sys");
        result.Error.Should().BeNull();
        return result.Blocks.OfType<RecordBlock>().Single().Fields.ToDictionary(f => f.Name, f => f.Value);
    }

    private static string Text(Cell cell)
    {
        cell.HasValue.Should().BeTrue(cell.Reason);
        // What people read: crash's spelling; the value itself is typed (bytes, seconds, a count).
        return cell.Display ?? Convert.ToString(cell.Value, System.Globalization.CultureInfo.InvariantCulture)!;
    }

    [SkippableFact]
    public void Identity_cpus_and_panic()
    {
        var f = Fields();
        Text(f["RELEASE"]).Should().Be("6.1.0-56-cloud-amd64");
        Text(f["CPUS"]).Should().Be("2");
        Text(f["PANIC"]).Should().Contain("sysrq triggered crash");
        Text(f["DUMPFILE"]).Should().StartWith(Fixtures.Kd1Zlib).And.EndWith("[PARTIAL DUMP]");
    }

    [SkippableFact]
    public void Fields_match_crash()
    {
        var crash = CrashOutput.Sys();
        var f = Fields();
        foreach (var name in new[] { "CPUS", "DATE", "UPTIME", "LOAD AVERAGE", "NODENAME", "RELEASE", "VERSION", "MACHINE", "MEMORY" })
            Text(f[name]).Should().Be(crash[name], name);
        // crash quotes the panic message.
        Text(f["PANIC"]).Should().Be(crash["PANIC"].Trim('"'));
    }

    [SkippableFact]
    public void Tasks_counts_every_thread_and_idle_task()
    {
        // crash 8.0.2 says TASKS: 3 on this dump (it reads struct pid short, see the fixtures README). The kernel's
        // task list (gt tasks.txt: crash's `list task_struct.tasks -h init_task`) holds swapper/0 and every process,
        // all single-threaded here; the idle task of CPU 1 is on no list and is found through its runqueue.
        var listed = File.ReadAllLines(Fixtures.Require("kd1/gt-vmcore.kdump-zlib-d31/tasks.txt"))
            .Count(l => l.TrimStart().StartsWith("pid = ", StringComparison.Ordinal));
        listed.Should().BeGreaterThan(50);
        Convert.ToInt64(Fields()["TASKS"].Value, System.Globalization.CultureInfo.InvariantCulture).Should().Be(listed + 1);
    }

    [SkippableFact]
    public void Sys_v_adds_the_kernel_features_probed()
    {
        var result = kd1.Session.Run("sys -v");
        result.Error.Should().BeNull();
        var features = result.Blocks.OfType<TableBlock>().Single(t => t.Title == Sdk.Kernel.KernelFeatureReport.Title);
        features.Rows.Select(r => r.Cells[0].Value).Should().Contain([Sdk.Kernel.KernelFeatureNames.Kallsyms, Sdk.Kernel.KernelFeatureNames.Types]);
        kd1.Session.Run("sys").Blocks.OfType<TableBlock>().Should().BeEmpty("without -v sys stays crash's record");
    }
}
