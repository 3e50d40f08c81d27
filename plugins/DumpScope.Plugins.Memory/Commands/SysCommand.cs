using DumpScope.Plugins.Memory.Info;
using DumpScope.Sdk.Commands;

namespace DumpScope.Plugins.Memory.Commands;

/// <summary>crash's <c>sys</c>: the system's identity and state at the time of the dump.</summary>
[Command("sys", Help = "system facts: KERNEL, DUMPFILE, CPUS, DATE, UPTIME, LOAD AVERAGE, TASKS, NODENAME, RELEASE, VERSION, MACHINE, MEMORY, PANIC",
    Examples = ["sys  the machine, the kernel and why it crashed"], SeeAlso = ["log", "kmem -i", "dumpinfo"])]
public sealed class SysCommand(MemoryAnalyzer analyzer) : ICommand
{
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
        return result;
    }
}
