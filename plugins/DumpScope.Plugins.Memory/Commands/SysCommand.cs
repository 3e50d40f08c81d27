using DumpScope.Plugins.Memory.Info;

namespace DumpScope.Plugins.Memory.Commands;

/// <summary>crash's <c>sys</c>: the system's identity and state at the time of the dump.</summary>
[Command("sys", Help = "system facts: KERNEL, DUMPFILE, CPUS, DATE, UPTIME, LOAD AVERAGE, TASKS, NODENAME, RELEASE, VERSION, MACHINE, MEMORY, PANIC (sys [-v])",
    Examples = ["sys  the machine, the kernel and why it crashed", "sys -v  also the kernel features probed"], SeeAlso = ["log", "kmem -i", "dumpinfo"])]
public sealed class SysCommand(MemoryAnalyzer analyzer, IEnumerable<IKernelFeatureProbe> probes) : ICommand
{
    /// <summary>Also list the kernel features probed and how.</summary>
    [Option("-v", Help = "also list the kernel features probed (allocator era, task state field, printk format, page tables, ORC, how kallsyms and BTF were found)")]
    public bool Verbose { get; set; }

    /// <inheritdoc/>
    public CommandResult Execute(CommandContext context)
    {
        var kernel = analyzer.Kernel;
        var fields = SystemInfoReader.Read(kernel, () => analyzer.Log, context.Cancellation);
        var result = new CommandResult();
        var record = result.Add(new RecordBlock());
        foreach (var field in fields)
        {
            NavigationTarget? target = field.Name switch
            {
                "PANIC" => new NavigationTarget("kernel log", "log"),
                "MEMORY" => new NavigationTarget("memory usage", "kmem -i"),
                _ => null,
            };
            record.Add(field.Name, field.Value, target);
        }
        record.Targets.Add(new NavigationTarget("kernel log", "log"));
        if (Verbose) result.Add(KernelFeatureReport.Build(kernel, probes));
        return result;
    }
}
