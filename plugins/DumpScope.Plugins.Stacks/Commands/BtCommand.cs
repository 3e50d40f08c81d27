using DumpScope.Sdk.Linux.Stack;

namespace DumpScope.Plugins.Stacks.Commands;

/// <summary>
/// crash's <c>bt</c>: the backtrace of the panicking task, of tasks by PID or address, or (-a) of the task on
/// every CPU, unwound with the dump's own ORC data (frame pointers without it).
/// </summary>
[Command("bt", Help = "backtraces from the dump alone: bt [-a] [-f] [-l] [-t] [-r] [--fp] [--max N] [PID|TASK]... (default: the current task of set, else the panicking task)",
    Examples = ["bt  the panicking task's stack", "bt -a  the task on each CPU", "bt 1  the stack of pid 1"], SeeAlso = ["ps", "task"])]
public sealed class BtCommand(StackAnalyzer analyzer) : ICommand
{
    /// <summary>-a: the active task of every CPU.</summary>
    [Option("-a", Help = "the task running on each CPU")]
    public bool AllCpus { get; set; }

    /// <summary>-f: each frame's stack words.</summary>
    [Option("-f", Help = "each frame's stack words")]
    public bool FrameWords { get; set; }

    /// <summary>-l: each frame's source file and line.</summary>
    [Option("-l", Help = "each frame's source file and line (needs --vmlinux with DWARF; mod -S for module frames)")]
    public bool Lines { get; set; }

    /// <summary>-t: scan the stack for return addresses (every frame a guess).</summary>
    [Option("-t", Help = "scan the stack for text addresses (unreliable, crash's bt -t)")]
    public bool TextScan { get; set; }

    /// <summary>-r: the raw stack words with their symbols.</summary>
    [Option("-r", Help = "the raw stack from the stack pointer to the top, with symbols")]
    public bool Raw { get; set; }

    /// <summary>--fp: follow the frame-pointer chain instead of ORC.</summary>
    [Option("--fp", Help = "unwind with frame pointers instead of ORC")]
    public bool FramePointers { get; set; }

    /// <summary>--max: the frame limit.</summary>
    [Option("--max", Help = "at most N frames (default 256)")]
    public int MaxFrames { get; set; } = UnwindOptions.DefaultMaxFrames;

    /// <summary>PIDs or task_struct addresses.</summary>
    [Argument(0, Name = "PID|TASK", Help = "the tasks (default: the panicking task)")]
    public string[] Selectors { get; set; } = [];

    /// <inheritdoc/>
    public CommandResult Execute(CommandContext context)
    {
        var options = BacktraceRunner.Options("bt", TextScan, FramePointers, MaxFrames, FrameWords);
        var result = new CommandResult();
        var tasks = new List<Sdk.Kernel.KernelObject>();
        if (AllCpus)
        {
            if (Selectors.Length > 0) throw new UsageException("bt: -a takes no PID or task");
            var kernel = analyzer.Kernel;
            foreach (int cpu in kernel.OnlineCpus.Cpus)
            {
                try
                {
                    tasks.Add(Runqueues.CpuCurr(kernel, cpu));
                }
                catch (Exception e) when (Sdk.Linux.Objects.KernelDataErrors.IsDataProblem(e))
                {
                    result.Warnings.Add($"CPU {cpu}: its running task is unreadable: {Sdk.Linux.Objects.KernelDataErrors.Reason(e)}");
                }
            }
        }
        else if (Selectors.Length == 0 && context.CurrentTask is { } current)
            tasks.Add(analyzer.Kernel.Object("struct task_struct", current));
        else if (Selectors.Length == 0)
        {
            if (analyzer.PanicTask(out var why) is not { } panic)
                return CommandResult.Fail($"bt: {why}; give a PID or task address, or -a");
            tasks.Add(panic);
        }
        foreach (var selector in Selectors)
        {
            var matches = analyzer.Select(selector, result.Warnings);
            if (matches.Count == 0) result.Warnings.Add($"bt: no task has pid {selector}");
            tasks.AddRange(matches.Where(m => tasks.All(t => t.Address != m.Address)));
        }
        // the warnings say why (a kernel without types: every CPU's running task is unreadable)
        if (tasks.Count == 0) return CommandResult.Fail(result.Warnings.Count == 0 ? "bt: no task to show" : $"bt: no task to show: {result.Warnings[0]}");
        BacktraceRunner.Add(analyzer, result, tasks, options, Raw, context, Lines ? BacktraceRunner.SourceLines(context, "bt -l") : null);
        return result;
    }
}
