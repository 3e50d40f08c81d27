using DumpScope.Host.Session;

namespace DumpScope.Host.Commands.Builtins;

/// <summary>
/// crash's <c>foreach</c>: runs a task command (any command that takes a PID or task argument: bt, task, vm…) once for
/// every task, or for those selected by PID, task address, state code (RU IN UN ST TR ZO DE ID PA WA WK NE), command
/// name (<c>\name</c> for a name that is also a command or a state), <c>kernel</c> or <c>user</c>. The command gets
/// the task's address as its last argument; the results are concatenated in pid order, each failure a warning.
/// </summary>
[Command("foreach", Help = "run a task command for every task or a selection: foreach [PID|TASK|STATE|NAME|kernel|user]... CMD [args]",
    Examples = ["foreach bt  every task's stack", "foreach UN bt  of tasks in D state", "foreach worker-alpha task  the details of tasks named worker-alpha",
        "foreach user vm  the memory areas of every user task"],
    SeeAlso = ["bt", "task", "ps", "set"])]
public sealed class ForeachCommand(ICommandRunner runner) : ICommand
{
    /// <summary>The selection, the command and its arguments.</summary>
    [Argument(0, Name = "SELECTION... CMD [args]", Required = true, Help = "PIDs, task addresses, states, names, kernel or user; then the command")]
    public string[] Words { get; set; } = [];

    /// <inheritdoc/>
    public CommandResult Execute(CommandContext context)
    {
        var kernel = context.Kernel;
        var selection = TaskSelection.Parse(Words, VerbNames(runner));
        var result = new CommandResult();
        var walk = KernelTasks.ForEachTask(kernel, context.Cancellation);
        if (walk.End == WalkEnd.Cancelled) context.Cancellation.ThrowIfCancellationRequested();
        if (walk.Problem is not null) result.Warnings.Add($"foreach: task list: {walk.Problem}");
        var chosen = walk.Items.Select(t => Summarize(t)).OrderBy(t => t.Pid ?? int.MaxValue).ThenBy(t => t.Cpu ?? 0).ThenBy(t => t.Address)
            .Where(selection.Matches).ToList();
        if (chosen.Count == 0)
        {
            result.Warnings.Add($"foreach: no task matches {string.Join(' ', Words[..selection.VerbIndex])}");
            return result;
        }
        string command = string.Join(' ', Words[selection.VerbIndex..].Select(Quote));
        for (int i = 0; i < chosen.Count; i++)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            context.Report(i, chosen.Count, $"foreach {Words[selection.VerbIndex]}");
            var line = $"{command} {chosen[i].Address:x}";
            var one = runner.Run(line, context.Cancellation);
            if (one.Error == $"{Words[selection.VerbIndex]}: cancelled") context.Cancellation.ThrowIfCancellationRequested();
            result.Blocks.AddRange(one.Blocks);
            result.Warnings.AddRange(one.Warnings);
            if (one.Failed) result.Warnings.Add($"foreach: {line}: {one.Error}");
        }
        return result;
    }

    private static HashSet<string> VerbNames(ICommandRunner runner) =>
        runner.Commands.SelectMany(c => c.Aliases.Prepend(c.Name)).ToHashSet(StringComparer.Ordinal);

    private static string Quote(string word) =>
        word.Length > 0 && !word.Any(c => char.IsWhiteSpace(c) || c is '"' or '\'' or '\\') ? word : "\"" + word.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    private static TaskFacts Summarize(KernelObject task)
    {
        int? pid = null, cpu = null;
        string? comm = null, state = null;
        bool? kthread = null;
        try { pid = KernelTasks.TaskPid(task); } catch (Exception e) when (KernelDataErrors.IsDataProblem(e)) { }
        try { cpu = KernelTasks.TaskCpu(task); } catch (Exception e) when (KernelDataErrors.IsDataProblem(e)) { }
        try { comm = KernelTasks.TaskComm(task); } catch (Exception e) when (KernelDataErrors.IsDataProblem(e)) { }
        try { state = KernelTasks.TaskStateOf(task).Code; } catch (Exception e) when (KernelDataErrors.IsDataProblem(e)) { }
        try { kthread = KernelTasks.IsKernelThread(task); } catch (Exception e) when (KernelDataErrors.IsDataProblem(e)) { }
        return new TaskFacts(task.Address, pid, cpu, comm, state, kthread);
    }
}

/// <summary>What foreach knows of a task to select it; null where a field could not be read.</summary>
internal sealed record TaskFacts(ulong Address, int? Pid, int? Cpu, string? Comm, string? State, bool? KernelThread);

/// <summary>foreach's words split into the task selection and the command (<see cref="VerbIndex"/> onwards).</summary>
internal sealed class TaskSelection
{
    private static readonly HashSet<string> States = ["RU", "IN", "UN", "ST", "TR", "ZO", "DE", "ID", "PA", "WA", "WK", "NE"];

    /// <summary>Where the command starts.</summary>
    public int VerbIndex { get; private init; }

    /// <summary>Selected pids.</summary>
    public HashSet<int> Pids { get; } = [];

    /// <summary>Selected task addresses.</summary>
    public HashSet<ulong> Tasks { get; } = [];

    /// <summary>Selected state codes.</summary>
    public HashSet<string> StateCodes { get; } = new(StringComparer.Ordinal);

    /// <summary>Selected command names.</summary>
    public HashSet<string> Names { get; } = new(StringComparer.Ordinal);

    /// <summary>kernel threads only (true), user tasks only (false), or either (null).</summary>
    public bool? KernelThreads { get; private set; }

    /// <summary>
    /// Splits <paramref name="words"/>: the first word that is a command verb (<paramref name="verbs"/>) starts the
    /// command; before it, decimal words are pids, kernel-address hex words tasks, state codes states, "kernel" and
    /// "user" the kind, anything else (or a word after a backslash) a command name.
    /// </summary>
    public static TaskSelection Parse(IReadOnlyList<string> words, IReadOnlySet<string> verbs)
    {
        int verb = -1;
        for (int i = 0; i < words.Count; i++)
            if (!words[i].StartsWith('\\') && verbs.Contains(words[i])) { verb = i; break; }
        if (verb < 0) throw new UsageException("foreach: no command to run: foreach [PID|TASK|STATE|NAME|kernel|user]... CMD [args] (e.g. foreach bt)");
        if (words[verb] == "foreach") throw new UsageException("foreach: cannot run foreach for each task");
        var selection = new TaskSelection { VerbIndex = verb };
        foreach (var word in words.Take(verb))
        {
            if (word.StartsWith('\\') && word.Length > 1) selection.Names.Add(word[1..]);
            else if (int.TryParse(word, NumberStyles.None, CultureInfo.InvariantCulture, out int pid)) selection.Pids.Add(pid);
            else if (States.Contains(word)) selection.StateCodes.Add(word);
            else if (word is "kernel" or "user")
            {
                bool kernel = word == "kernel";
                if (selection.KernelThreads is { } k && k != kernel) throw new UsageException("foreach: give kernel or user, not both");
                selection.KernelThreads = kernel;
            }
            else if (Arguments.TryParseAddress(word, out var address) && KernelAddress.IsKernel(address)) selection.Tasks.Add(address);
            else selection.Names.Add(word);
        }
        return selection;
    }

    /// <summary>True when the task is selected: any pid, address, state or name given matches (all tasks when none is), and the kind fits.</summary>
    public bool Matches(TaskFacts task)
    {
        if (KernelThreads is { } kernel && task.KernelThread != kernel) return false;
        if (Pids.Count == 0 && Tasks.Count == 0 && StateCodes.Count == 0 && Names.Count == 0) return true;
        return task.Pid is { } p && Pids.Contains(p) || Tasks.Contains(task.Address)
            || task.State is { } s && StateCodes.Contains(s) || task.Comm is { } c && Names.Contains(c);
    }
}
