using DumpScope.Sdk.Linux.Fs;

namespace DumpScope.Plugins.Files.Commands;

/// <summary>
/// crash's <c>mount</c>: the mounts of the initial mount namespace (MOUNT, SUPERBLK, TYPE, DEVNAME, DIRNAME), or
/// with <c>-n PID|TASK</c> of that task's namespace.
/// </summary>
[Command("mount", Help = "mounted file systems: mount [-n PID|TASK] (default: the initial mount namespace)",
    Examples = ["mount  the mounts of the initial namespace", "mount -n 123  the mounts of pid 123's namespace"], SeeAlso = ["files", "fuser"])]
public sealed class MountCommand(FileAnalyzer analyzer) : ICommand
{
    /// <summary>-n: the task whose mount namespace to show.</summary>
    [Option("-n", Help = "the mount namespace of this task", ValueName = "PID|TASK")]
    public string? Task { get; set; }

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
        var table = result.Add(new TableBlock(new Column("MOUNT", CellKind.Address), new Column("SUPERBLK", CellKind.Address), new Column("TYPE"),
            new Column("DEVNAME"), new Column("DIRNAME")) { TextFromRows = true, Title = "     MOUNT           SUPERBLK     TYPE   DEVNAME   DIRNAME" });
        foreach (var mount in walk.Items)
        {
            context.Cancellation.ThrowIfCancellationRequested();
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
        }
        if (walk.Problem is not null) result.Warnings.Add($"mount: {walk.Problem}");
        return result;
    }
}
