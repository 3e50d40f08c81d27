using DumpScope.Sdk.Linux.Fs;

namespace DumpScope.Plugins.Files.Commands;

/// <summary>
/// crash's <c>fuser</c>: the tasks using a file, given by path or inode address: as root or working directory, as an
/// open descriptor, or mapped into their address space.
/// </summary>
[Command("fuser", Help = "tasks using a file: fuser PATH|INODE (root, cwd, fd, mmap)",
    Examples = ["fuser /dev/console  who has the console open", "fuser ffff888003a4c000  who uses the inode at that address"], SeeAlso = ["files", "mount"])]
public sealed class FuserCommand(FileAnalyzer analyzer) : ICommand
{
    /// <summary>The path or inode address.</summary>
    [Argument(0, Name = "PATH|INODE", Help = "an absolute path, or a struct inode address", Required = true)]
    public string Target { get; set; } = "";

    /// <inheritdoc/>
    public CommandResult Execute(CommandContext context)
    {
        var kernel = analyzer.Kernel;
        ulong? inode = null;
        if (!Target.StartsWith('/'))
        {
            if (!Arguments.TryParseAddress(Target, out var address) || !KernelAddress.IsKernel(address))
                throw new UsageException($"fuser: '{Target}' is neither an absolute path nor an inode address");
            inode = address;
        }
        var result = new CommandResult();
        var tasks = KernelTasks.ForEachTask(kernel, context.Cancellation);
        if (tasks.Problem is not null) result.Warnings.Add($"fuser: task list: {tasks.Problem}");
        var table = result.Add(new TableBlock(new Column("PID", CellKind.Integer), new Column("TASK", CellKind.Address), new Column("COMM"), new Column("USAGE"))
            { TextFromRows = true, Title = " PID         TASK        COMM             USAGE" });
        var layout = FsLayout.Of(kernel);
        var files = new Dictionary<ulong, bool>();
        bool Matches(ulong mount, ulong dentry)
        {
            if (inode is { } wanted)
                return kernel.Object("struct dentry", dentry).TryUnsigned(layout.DentryInode, out var i, out _) && i == wanted;
            return FsPaths.DPath(kernel, mount, dentry) is { Problem: null } path && path.Path == Target;
        }
        bool FileMatches(ulong file)
        {
            if (files.TryGetValue(file, out var known)) return known;
            var f = kernel.Object("struct file", file);
            bool hit = f.TryUnsigned(layout.FileMnt, out var mnt, out _) && f.TryUnsigned(layout.FileDentry, out var dentry, out _) && Matches(mnt, dentry);
            files[file] = hit;
            return hit;
        }
        foreach (var task in tasks.Items.OrderBy(t => FileAnalyzer.Pid(t) ?? int.MaxValue))
        {
            context.Cancellation.ThrowIfCancellationRequested();
            var uses = new List<string>();
            string? problem = null;
            try
            {
                if (TaskFiles.Root(task) is { } root && Matches(root.Mount, root.Dentry)) uses.Add("root");
                if (TaskFiles.Pwd(task) is { } pwd && Matches(pwd.Mount, pwd.Dentry)) uses.Add("cwd");
                if (TaskFiles.ForEachFile(task, context.Cancellation).Items.Any(f => f.Problem is null && FileMatches(f.File))) uses.Add("fd");
                if (MapsFile(task, FileMatches)) uses.Add("mmap");
            }
            catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
            {
                problem = $"task {task.Address:x}: {KernelDataErrors.Reason(e)}";
            }
            if (uses.Count == 0 && problem is null) continue;
            int? pid = FileAnalyzer.Pid(task);
            string comm = FileAnalyzer.Comm(task) ?? "?";
            var row = table.AddRow(pid is { } p ? Cell.Int(p) : Cell.Unreadable("pid unreadable", CellKind.Integer), Cell.Address(task.Address), Cell.Text(comm),
                Cell.Text(string.Join(' ', uses)));
            row.Text = $"{pid?.ToString(CultureInfo.InvariantCulture) ?? "?",5}  {task.Address:x16}  {("\"" + comm + "\""),-16} {string.Join(' ', uses)} ";
            row.Problem = problem;
            row.WithTarget("task", new TaskTarget(task.Address, pid));
        }
        return result;
    }

    // A task maps the file when one of its VMAs' vm_file matches; threads share the mm, kernel threads have none.
    private static bool MapsFile(KernelObject task, Func<ulong, bool> matches)
    {
        ulong mm = task["mm"].ReadPointer();
        if (mm == 0) return false;
        var walk = Vmas.ForEachVma(task.Kernel.Object("struct mm_struct", mm));
        foreach (var vma in walk.Items)
            if (vma.Vma["vm_file"].ReadPointer() is var file && file != 0 && matches(file)) return true;
        return false;
    }
}
