using DumpScope.Sdk.Linux.Block;
using DumpScope.Sdk.Linux.Fs;
using Microsoft.Extensions.DependencyInjection;

namespace DumpScope.Plugins.Files;

/// <summary>
/// The files plugin's service: task selection (PID or task address, the panicking task by default), the header
/// crash prints for a task, and one open file's facts (struct file, dentry, inode, type, path).
/// </summary>
public sealed class FileAnalyzer(IServiceProvider services)
{
    /// <summary>The open dump's kernel.</summary>
    public IKernel Kernel => services.GetService<IKernel>() ?? throw new NoDumpException();

    /// <summary>The task running on the CPU in panic_cpu, or null with why not.</summary>
    public KernelObject? PanicTask(out string why) => TaskArguments.PanicTask(Kernel, out why);

    /// <summary>The tasks a PID or task address names; a usage error for anything else.</summary>
    public IReadOnlyList<KernelObject> Select(string selector, string verb, CancellationToken cancellation = default) =>
        TaskArguments.Select(Kernel, selector, verb, cancellation);

    /// <summary>crash's task header line: PID, TASK, CPU, COMMAND.</summary>
    public static string Header(KernelObject task) => TaskArguments.Header(task);

    /// <summary>The task's pid, null when unreadable.</summary>
    public static int? Pid(KernelObject task) => TaskArguments.PidOrNull(task);

    /// <summary>The task's CPU, null when unreadable.</summary>
    public static int? Cpu(KernelObject task) => Try<int?>(() => KernelTasks.TaskCpu(task));

    /// <summary>The task's comm, null when unreadable.</summary>
    public static string? Comm(KernelObject task) => Try(() => KernelTasks.TaskComm(task));

    /// <summary>The facts of the struct file at <paramref name="file"/>; unreadable parts have their reason in Problem.</summary>
    public OpenFileInfo Describe(ulong file)
    {
        var kernel = Kernel;
        var layout = FsLayout.Of(kernel);
        var f = new KernelObject(kernel, layout.File.Type, file);
        if (!f.TryUnsigned(layout.FileDentry, out var dentry, out var why) || !f.TryUnsigned(layout.FileMnt, out var mnt, out why))
            return new OpenFileInfo(file, 0, 0, null, null, $"struct file {file:x}: {why}");
        return DescribeDentry(file, mnt, dentry, layout.FileInode is { } fi && f.TryUnsigned(fi, out var inode, out _) ? inode : null);
    }

    /// <summary>The facts of a dentry (and the mount it is seen through, 0 for none): inode, type, path.</summary>
    public OpenFileInfo DescribeDentry(ulong file, ulong mount, ulong dentry, ulong? knownInode = null)
    {
        var kernel = Kernel;
        var layout = FsLayout.Of(kernel);
        var problems = new List<string>();
        ulong inode = knownInode ?? 0;
        if (knownInode is null)
        {
            if (kernel.Object("struct dentry", dentry).TryUnsigned(layout.DentryInode, out var i, out var why)) inode = i;
            else problems.Add($"dentry {dentry:x}: {why}");
        }
        string? type = null;
        if (inode != 0)
        {
            if (kernel.Object("struct inode", inode).TryUnsigned(layout.InodeMode, out var mode, out var why)) type = InodeModes.TypeName((uint)mode);
            else problems.Add($"inode {inode:x} mode: {why}");
        }
        var path = mount == 0 ? FsPaths.DentryPath(kernel, dentry) : FsPaths.DPath(kernel, mount, dentry);
        if (path.Problem is not null) problems.Add($"path: {path.Problem}");
        return new OpenFileInfo(file, dentry, inode, type, path, problems.Count == 0 ? null : string.Join("; ", problems));
    }

    /// <summary>Every whole disk (for_each_disk); a damaged class list adds a warning.</summary>
    public IReadOnlyList<DiskInfo> Disks(List<string> warnings, CancellationToken cancellation)
    {
        var walk = Sdk.Linux.Block.Disks.ForEachDisk(Kernel, cancellation);
        if (walk.Problem is not null) warnings.Add(walk.Problem);
        return walk.Items;
    }

    /// <summary>The symbol at <paramref name="address"/> (an operations table), else its hex.</summary>
    public string SymbolOrHex(ulong address) =>
        Kernel.Symbols.Lookup(address) is { Offset: 0 } match ? match.Symbol.Name : address.ToString("x", CultureInfo.InvariantCulture);

    internal static T? Try<T>(Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
        {
            return default;
        }
    }
}
