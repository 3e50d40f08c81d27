namespace DumpScope.Plugins.Stacks.Commands;

/// <summary>
/// crash's <c>foreach [STATE|PID|NAME]... bt</c>: the backtrace of every task, or of those in the given
/// states (crash's codes: RU IN UN ST TR ZO DE ID PA WA WK NE), with these PIDs or these command names.
/// </summary>
[Command("foreach", Help = "run bt for every task or a selection: foreach [RU|IN|UN|ST|TR|ZO|DE|ID|PID|NAME]... bt [-f] [-t] [-r] [--fp] [--max N]",
    Examples = ["foreach bt  the stack of every task", "foreach UN bt  of tasks in D state"], SeeAlso = ["bt", "ps"])]
public sealed class ForeachCommand(StackAnalyzer analyzer) : ICommand
{
    private static readonly HashSet<string> StateCodes = ["RU", "IN", "UN", "ST", "TR", "ZO", "DE", "ID", "PA", "WA", "WK", "NE"];

    /// <summary>-f: each frame's stack words.</summary>
    [Option("-f", Help = "each frame's stack words")]
    public bool FrameWords { get; set; }

    /// <summary>-t: text scan.</summary>
    [Option("-t", Help = "scan the stacks for text addresses (unreliable)")]
    public bool TextScan { get; set; }

    /// <summary>-r: raw stacks.</summary>
    [Option("-r", Help = "the raw stacks with symbols")]
    public bool Raw { get; set; }

    /// <summary>--fp: frame pointers.</summary>
    [Option("--fp", Help = "unwind with frame pointers instead of ORC")]
    public bool FramePointers { get; set; }

    /// <summary>--max: the frame limit per task.</summary>
    [Option("--max", Help = "at most N frames per task (default 256)")]
    public int MaxFrames { get; set; } = Sdk.Linux.Stack.UnwindOptions.DefaultMaxFrames;

    /// <summary>The selection and the command.</summary>
    [Argument(0, Name = "SELECTION... bt", Required = true, Help = "task states, PIDs or command names, then bt")]
    public string[] Words { get; set; } = [];

    /// <inheritdoc/>
    public CommandResult Execute(CommandContext context)
    {
        int verb = Array.FindIndex(Words, w => w == "bt");
        if (verb < 0) throw new UsageException("foreach: only 'bt' can be run for each task (foreach [STATE|PID|NAME]... bt)");
        if (verb != Words.Length - 1) throw new UsageException($"foreach: '{Words[verb + 1]}' after bt: put bt's flags before or after, words before it");
        var options = BacktraceRunner.Options("foreach bt", TextScan, FramePointers, MaxFrames, FrameWords);
        var states = new HashSet<string>(StringComparer.Ordinal);
        var pids = new HashSet<int>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var word in Words[..verb])
        {
            if (StateCodes.Contains(word.ToUpperInvariant())) states.Add(word.ToUpperInvariant());
            else if (int.TryParse(word, NumberStyles.None, CultureInfo.InvariantCulture, out int pid)) pids.Add(pid);
            else names.Add(word);
        }
        var result = new CommandResult();
        var all = analyzer.AllTasks(result.Warnings, context.Cancellation);
        var chosen = new List<KernelObject>();
        foreach (var task in all)
        {
            if (states.Count == 0 && pids.Count == 0 && names.Count == 0) { chosen.Add(task); continue; }
            var summary = analyzer.Summarize(task);
            bool byState = states.Count > 0 && summary.StateCode is { } code && states.Contains(code);
            bool byPid = summary.Pid is { } p && pids.Contains(p);
            bool byName = summary.Comm is { } c && names.Contains(c);
            if (byState || byPid || byName) chosen.Add(task);
        }
        if (chosen.Count == 0)
        {
            result.Warnings.Add($"foreach: no task matches {string.Join(' ', Words[..verb])}");
            return result;
        }
        BacktraceRunner.Add(analyzer, result, chosen, options, Raw, context);
        return result;
    }
}
