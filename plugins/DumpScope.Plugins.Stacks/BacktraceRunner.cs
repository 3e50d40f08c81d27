using DumpScope.Sdk.Linux.Stack;

namespace DumpScope.Plugins.Stacks;

/// <summary>Adds one block per task (its backtrace or raw stack) to a result; shared by bt and foreach bt.</summary>
internal static class BacktraceRunner
{
    /// <summary>The unwind options bt's flags ask for.</summary>
    /// <exception cref="UsageException">The flags contradict each other.</exception>
    public static UnwindOptions Options(string command, bool textScan, bool framePointers, int maxFrames, bool frameWords)
    {
        if (maxFrames <= 0) throw new UsageException($"{command}: --max must be positive");
        if (textScan && framePointers) throw new UsageException($"{command}: -t and --fp are different unwinders; choose one");
        return new UnwindOptions
        {
            Method = textScan ? UnwindMethod.Guess : framePointers ? UnwindMethod.FramePointer : null,
            MaxFrames = maxFrames,
            FrameWords = frameWords,
        };
    }

    /// <summary>The session's source-line resolver for -l; a usage error when it has no line tables.</summary>
    /// <exception cref="UsageException">No --vmlinux with DWARF and no module debug files.</exception>
    public static ISourceLineResolver SourceLines(CommandContext context, string command)
    {
        var lines = context.Services.GetService(typeof(ISourceLineResolver)) as ISourceLineResolver;
        if (lines is not { IsAvailable: true })
            throw new UsageException($"{command}: no source lines: {lines?.Source ?? "the host gives none"}; give --vmlinux FILE with DWARF (mod -S DIR for modules)");
        return lines;
    }

    /// <summary>Adds each task's backtrace (or raw stack) block; <paramref name="lines"/> adds each frame's source line.</summary>
    public static void Add(StackAnalyzer analyzer, CommandResult result, IReadOnlyList<KernelObject> tasks, UnwindOptions options, bool raw, CommandContext context,
        ISourceLineResolver? lines = null)
    {
        result.Warnings.AddRange(analyzer.RunningProblems);
        for (int i = 0; i < tasks.Count; i++)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            context.Report(i, tasks.Count, "unwinding");
            var task = analyzer.Summarize(tasks[i]);
            if (raw)
            {
                result.Blocks.Add(RawStack(analyzer, task));
                continue;
            }
            Backtrace trace;
            try
            {
                trace = analyzer.Trace(task, options, context.Cancellation);
            }
            catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
            {
                result.Blocks.Add(new TableBlock(new Column("#")) { Title = task.Header, TextFromRows = true });
                result.Warnings.Add($"PID {task.Pid}: no backtrace: {KernelDataErrors.Reason(e)}");
                continue;
            }
            result.Blocks.Add(BacktraceTable.Build(task, trace, options.FrameWords, lines, analyzer.Backtracer.KernelTextName));
            if (!trace.IsComplete)
                result.Warnings.Add($"PID {task.Pid?.ToString() ?? "?"} ({task.Comm}): the trace ends early: {trace.Reason}");
            else if (trace.Method == UnwindMethod.Guess)
                result.Warnings.Add($"PID {task.Pid?.ToString() ?? "?"}: {trace.Reason}");
        }
    }

    // bt -r: every word from the stack pointer to the top of the task's stack, text addresses named.
    private static TableBlock RawStack(StackAnalyzer analyzer, TaskSummary task)
    {
        var table = new TableBlock(new Column("ADDRESS", CellKind.Address), new Column("VALUE", CellKind.Address), new Column("SYMBOL")) { Title = task.Header };
        var bt = analyzer.Backtracer;
        var problems = new List<string>();
        var stacks = bt.StacksOf(task.Address, task.RunningCpu, problems);
        var taskStack = stacks.FirstOrDefault(s => s.Kind == StackKind.Task);
        if (taskStack is null) return table;
        ulong from;
        try
        {
            from = task.RunningCpu is { } cpu && bt.CpuRegisters(cpu, out _) is { } regs && taskStack.Contains(regs.Sp) ? regs.Sp
                : KernelTasks.TaskThreadSp(analyzer.Kernel.Object("struct task_struct", task.Address));
        }
        catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
        {
            from = taskStack.Start;
        }
        if (!taskStack.Contains(from)) from = taskStack.Start;
        for (ulong at = from & ~7UL; at + 8 <= taskStack.End; at += 8)
        {
            var memory = analyzer.Kernel.Memory;
            if (!Sdk.Memory.MemoryReadExtensions.TryReadU64(memory, at, out var value, out var fault))
            {
                table.AddRow(Cell.Address(at), Cell.Unreadable(fault!.Message, CellKind.Address), Cell.NotApplicable());
                continue;
            }
            var name = bt.Unwinder.Name(value, isReturnAddress: false);
            table.AddRow(Cell.Address(at), Cell.Address(value), name is { } n && n.Offset < 1 << 16 ? Cell.Text(n.ToString()) : Cell.Text(""));
        }
        return table;
    }
}
