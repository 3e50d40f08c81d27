using DumpScope.Sdk.Linux.Fs;

namespace DumpScope.Plugins.Files.Commands;

/// <summary>
/// crash's <c>mount</c>: the mounts of the initial mount namespace (MOUNT, SUPERBLK, TYPE, DEVNAME, DIRNAME), or
/// with <c>-n PID|TASK</c> of that task's namespace; <c>-f</c> adds each mount's open files.
/// </summary>
[Command("mount", Help = "mounted file systems: mount [-n PID|TASK] [-f] (default: the initial mount namespace)",
    Examples = ["mount  the mounts of the initial namespace", "mount -n 123  the mounts of pid 123's namespace"], SeeAlso = ["files", "fuser"])]
public sealed class MountCommand(FileAnalyzer analyzer) : ICommand
{
    /// <summary>-n: the task whose mount namespace to show.</summary>
    [Option("-n", Help = "the mount namespace of this task", ValueName = "PID|TASK")]
    public string? Task { get; set; }

    /// <summary>-f: each mount's open files.</summary>
    [Option("-f", Help = "the open files of each mount's super block (from every task's descriptors)")]
    public bool OpenFiles { get; set; }

    /// <inheritdoc/>
    public CommandResult Execute(CommandContext context)
    {
        var kernel = analyzer.Kernel;
        ulong ns;
        try
        {
            if (Task is null) ns = Mounts.InitMntNs(kernel);
            else
            {
                var tasks = analyzer.Select(Task, "mount", context.Cancellation);
                if (tasks.Count == 0) return CommandResult.Fail($"mount: no task has pid {Task}");
                ns = Mounts.TaskMntNs(tasks[0]);
            }
        }
        catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
        {
            return CommandResult.Fail($"mount: the mount namespace is unreadable: {KernelDataErrors.Reason(e)}");
        }
        var walk = Mounts.ForEachMount(kernel, ns, context.Cancellation);
        var result = new CommandResult();
        var bySuperBlock = OpenFiles ? OpenFilesBySuperBlock(kernel, result.Warnings, context.Cancellation) : null;
        TableBlock? table = null;
        foreach (var mount in walk.Items)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            if (table is null || bySuperBlock is not null) table = result.Add(MountTable());
            var info = AddMount(kernel, table, mount);
            if (bySuperBlock is null) continue;
            var files = result.Add(new TableBlock(new Column("DENTRY", CellKind.Address), new Column("INODE", CellKind.Address), new Column("TYPE", CellKind.Enum),
                new Column("PATH")) { TextFromRows = true, Title = "OPEN FILES:\n     DENTRY           INODE       TYPE PATH" });
            foreach (var file in bySuperBlock.TryGetValue(info.SuperBlock, out var list) ? list : [])
            {
                var row = files.AddRow(Cell.Address(file.Dentry), file.Inode != 0 ? Cell.Address(file.Inode) : Cell.Unreadable(file.Problem ?? "NULL", CellKind.Address),
                    file.Type is { } t ? Cell.Enum(t) : Cell.Unreadable(file.Problem ?? "no inode", CellKind.Enum),
                    file.Path is { } path ? Cell.Text(path.Display) : Cell.Unreadable(file.Problem ?? "unreadable"));
                row.Text = $"{file.Dentry:x16} {file.Inode:x16} {file.Type ?? "?",-4} {file.Path?.Display ?? "?"}";
                row.Problem = file.Problem;
                row.WithTarget("struct file", new ObjectTarget("struct file", file.File));
            }
        }
        table ??= result.Add(MountTable());
        if (walk.Problem is not null) result.Warnings.Add($"mount: {walk.Problem}");
        return result;
    }

    private static TableBlock MountTable() => new(new Column("MOUNT", CellKind.Address), new Column("SUPERBLK", CellKind.Address), new Column("TYPE"),
            new Column("DEVNAME"), new Column("DIRNAME")) { TextFromRows = true, Title = "     MOUNT           SUPERBLK     TYPE   DEVNAME   DIRNAME" };

    private static MountInfo AddMount(IKernel kernel, TableBlock table, ulong mount)
    {
            var info = Mounts.Describe(kernel, mount);
            var row = table.AddRow(Cell.Address(mount),
                info.SuperBlock != 0 ? Cell.Address(info.SuperBlock) : Cell.Unreadable(info.Problem ?? "NULL", CellKind.Address),
                info.Type is { } type ? Cell.Text(type) : Cell.Unreadable(info.Problem ?? "unreadable"),
                info.DevName is { } dev ? Cell.Text(dev) : Cell.Unreadable(info.Problem ?? "unreadable"),
                info.DirName is { } dir ? Cell.Text(dir.Display) : Cell.Unreadable(info.Problem ?? "unreadable"));
            row.Text = new CrashLine().Add(CrashLine.Hex(mount)).Add(" ").Add(CrashLine.Hex(info.SuperBlock)).Add(" ")
                .To((info.Type ?? "?").PadRight(6), 41).To(info.DevName ?? "?", 51).Add((info.DirName?.Display ?? "?").PadRight(10)).ToString();
            row.Problem = info.Problem;
            row.WithTarget("struct mount", new ObjectTarget("struct mount", mount));
            if (info.SuperBlock != 0) row.WithTarget("struct super_block", new ObjectTarget("struct super_block", info.SuperBlock));
            return info;
    }

    // The super block's s_files list that crash's -f read is gone (commit eee5cc2702929 "get rid of s_files and
    // files_lock", 3.13): the open files are found through every task's descriptor table instead, each once.
    private Dictionary<ulong, List<OpenFileInfo>> OpenFilesBySuperBlock(IKernel kernel, List<string> warnings, CancellationToken cancellation)
    {
        var layout = FsLayout.Of(kernel);
        var seen = new HashSet<ulong>();
        var bySb = new Dictionary<ulong, List<OpenFileInfo>>();
        var tasks = KernelTasks.ForEachTask(kernel, cancellation);
        if (tasks.Problem is not null) warnings.Add($"mount -f: task list: {tasks.Problem}");
        foreach (var task in tasks.Items)
        {
            WalkResult<OpenFile> files;
            try
            {
                files = TaskFiles.ForEachFile(task, cancellation);
            }
            catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
            {
                warnings.Add($"mount -f: task {task.Address:x}: {KernelDataErrors.Reason(e)}");
                continue;
            }
            foreach (var open in files.Items)
            {
                if (open.Problem is not null || !seen.Add(open.File)) continue;
                var f = kernel.Object("struct file", open.File);
                if (!f.TryUnsigned(layout.FileMnt, out var mnt, out _) || mnt == 0) continue;
                if (!kernel.Object("struct vfsmount", mnt).TryUnsigned(layout.VfsSb, out var sb, out _)) continue;
                if (!bySb.TryGetValue(sb, out var list)) bySb[sb] = list = [];
                list.Add(analyzer.Describe(open.File));
            }
        }
        return bySb;
    }
}
