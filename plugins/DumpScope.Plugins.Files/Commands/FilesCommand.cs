using DumpScope.Sdk.Linux.Fs;

namespace DumpScope.Plugins.Files.Commands;

/// <summary>
/// crash's <c>files</c>: a task's root and working directory and its open files (FD, struct file, dentry, inode,
/// type, path), the panicking task without an argument; <c>files -d DENTRY</c>: one dentry's inode, super block,
/// type and path.
/// </summary>
[Command("files", Help = "open files of tasks: files [-d DENTRY] [PID|TASK]... (default: the panicking task)",
    Examples = ["files 1  the open files of pid 1", "files -d ffff888003a4c000  a dentry's inode, type and path"], SeeAlso = ["fuser", "mount", "task"])]
public sealed class FilesCommand(FileAnalyzer analyzer) : ICommand
{
    /// <summary>The header of crash's open-file table.</summary>
    internal const string FileHeader = " FD       FILE            DENTRY           INODE       TYPE PATH";

    /// <summary>-d: a dentry to describe instead of tasks.</summary>
    [Option("-d", Help = "describe the dentry at this address", ValueName = "DENTRY")]
    public string? Dentry { get; set; }

    /// <summary>PIDs or task_struct addresses.</summary>
    [Argument(0, Name = "PID|TASK", Help = "the tasks (default: the current task of set, else the panicking task)")]
    public string[] Selectors { get; set; } = [];

    /// <inheritdoc/>
    public CommandResult Execute(CommandContext context)
    {
        if (Dentry is not null) return DescribeDentry(Dentry);
        var result = new CommandResult();
        if (TaskArguments.Tasks(analyzer.Kernel, Selectors, context.CurrentTask, "files", result.Warnings, out var failure, context.Cancellation) is not { } tasks)
            return CommandResult.Fail(failure!);
        foreach (var task in tasks)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            AddTask(result, task, context.Cancellation);
        }
        return result;
    }

    private void AddTask(CommandResult result, KernelObject task, CancellationToken cancellation)
    {
        var kernel = analyzer.Kernel;
        var (root, rootProblem) = FsPathOf(kernel, () => TaskFiles.Root(task));
        var (cwd, cwdProblem) = FsPathOf(kernel, () => TaskFiles.Pwd(task));
        var entries = new TableBlock(new Column("PID", CellKind.Integer), new Column("TASK", CellKind.Address), new Column("CPU", CellKind.Integer),
            new Column("COMMAND"), new Column("ROOT"), new Column("CWD"));
        var row = entries.AddRow(
            FileAnalyzer.Pid(task) is { } pid ? Cell.Int(pid) : Cell.Unreadable("pid unreadable", CellKind.Integer),
            Cell.Address(task.Address),
            FileAnalyzer.Cpu(task) is { } cpu ? Cell.Int(cpu) : Cell.Unreadable("cpu unreadable", CellKind.Integer),
            FileAnalyzer.Comm(task) is { } comm ? Cell.Text(comm) : Cell.Unreadable("comm unreadable"),
            root is not null ? Cell.Text(root) : Cell.Unreadable(rootProblem ?? "no fs_struct"),
            cwd is not null ? Cell.Text(cwd) : Cell.Unreadable(cwdProblem ?? "no fs_struct"));
        row.WithTarget("task", new TaskTarget(task.Address, FileAnalyzer.Pid(task)));
        row.Problem = rootProblem ?? cwdProblem;
        string[] heading = [FileAnalyzer.Header(task), $"ROOT: {root ?? "?"}    CWD: {cwd ?? "?"}"];
        // The task's facts go to data outputs as their own entries; text shows them as crash does, above the file table.
        var facts = new TextBlock([]) { Entries = entries };

        WalkResult<OpenFile> walk;
        try
        {
            walk = TaskFiles.ForEachFile(task, cancellation);
        }
        catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
        {
            result.Add(new TextBlock([.. heading]) { Entries = entries });
            result.Warnings.Add($"files: task {task.Address:x}: the file table is unreadable: {KernelDataErrors.Reason(e)}");
            return;
        }
        if (walk.Items.Count == 0 && walk.Problem is null)
        {
            result.Add(new TextBlock([.. heading, "No open files"]) { Entries = entries });
            return;
        }
        var table = result.Add(new TableBlock(new Column("FD", CellKind.Integer), new Column("FILE", CellKind.Address), new Column("DENTRY", CellKind.Address),
            new Column("INODE", CellKind.Address), new Column("TYPE", CellKind.Enum), new Column("PATH"))
            { TextFromRows = true, Title = string.Join('\n', [.. heading, FileHeader]) });
        result.Add(facts);
        foreach (var open in walk.Items)
        {
            if (open.Problem is not null)
            {
                var bad = table.AddRow(Cell.Int(open.Fd), Cell.Unreadable(open.Problem, CellKind.Address), Cell.Unreadable(open.Problem, CellKind.Address),
                    Cell.Unreadable(open.Problem, CellKind.Address), Cell.Unreadable(open.Problem, CellKind.Enum), Cell.Unreadable(open.Problem));
                bad.Problem = open.Problem;
                bad.Text = $"{open.Fd,3} (unreadable: {open.Problem})";
                continue;
            }
            AddFileRow(table, open.Fd, analyzer.Describe(open.File));
        }
        if (walk.Problem is not null) result.Warnings.Add($"files: task {task.Address:x}: {walk.Problem}");
    }

    /// <summary>Adds one open file's row in crash's layout, with its struct file, dentry and inode as targets.</summary>
    internal static void AddFileRow(TableBlock table, int fd, OpenFileInfo info)
    {
        var row = table.AddRow(Cell.Int(fd), Cell.Address(info.File), Address(info.Dentry, info.Problem), Address(info.Inode, info.Problem),
            info.Type is { } t ? Cell.Enum(t) : Cell.Unreadable(info.Problem ?? "no inode", CellKind.Enum),
            info.Path is { } path ? Cell.Text(path.Display) : Cell.Unreadable(info.Problem ?? "unreadable"));
        row.Text = $"{fd,3} {info.File:x16} {info.Dentry:x16} {info.Inode:x16} {info.Type ?? "?",-4} {info.Path?.Display ?? "?"}";
        row.Problem = info.Problem;
        row.WithTarget("struct file", new ObjectTarget("struct file", info.File));
        if (info.Dentry != 0) row.WithTarget("struct dentry", new ObjectTarget("struct dentry", info.Dentry));
        if (info.Inode != 0) row.WithTarget("struct inode", new ObjectTarget("struct inode", info.Inode));
    }

    private CommandResult DescribeDentry(string text)
    {
        if (!Arguments.TryParseAddress(text, out var dentry) || !KernelAddress.IsKernel(dentry))
            throw new UsageException($"files: -d takes a dentry address, not '{text}'");
        var kernel = analyzer.Kernel;
        var info = analyzer.DescribeDentry(0, 0, dentry);
        ulong sb = FsLayout.Of(kernel).DentrySb is { } dsb && kernel.Object("struct dentry", dentry).TryUnsigned(dsb, out var s, out _) ? s : 0;
        var result = new CommandResult();
        var table = result.Add(new TableBlock(new Column("DENTRY", CellKind.Address), new Column("INODE", CellKind.Address), new Column("SUPERBLK", CellKind.Address),
            new Column("TYPE", CellKind.Enum), new Column("PATH")) { TextFromRows = true, Title = "     DENTRY           INODE           SUPERBLK     TYPE PATH" });
        var row = table.AddRow(Cell.Address(dentry), Address(info.Inode, info.Problem), Address(sb, info.Problem),
            info.Type is { } t ? Cell.Enum(t) : Cell.Unreadable(info.Problem ?? "no inode", CellKind.Enum),
            info.Path is { } path ? Cell.Text(path.Display) : Cell.Unreadable(info.Problem ?? "unreadable"));
        row.Text = $"{dentry:x16} {info.Inode:x16} {sb:x16} {info.Type ?? "?",-4} {info.Path?.Display ?? "?"}";
        row.Problem = info.Problem;
        row.WithTarget("struct dentry", new ObjectTarget("struct dentry", dentry));
        if (info.Inode != 0) row.WithTarget("struct inode", new ObjectTarget("struct inode", info.Inode));
        return result;
    }

    private static (string? Path, string? Problem) FsPathOf(IKernel kernel, Func<(ulong Mount, ulong Dentry)?> read)
    {
        try
        {
            if (read() is not { } at) return (null, "the task has no fs_struct");
            var path = FsPaths.DPath(kernel, at.Mount, at.Dentry);
            return (path.Display, path.Problem);
        }
        catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
        {
            return (null, KernelDataErrors.Reason(e));
        }
    }

    private static Cell Address(ulong value, string? problem) =>
        value != 0 ? Cell.Address(value) : Cell.Unreadable(problem ?? "NULL", CellKind.Address);
}
