namespace DumpScope.Sdk.Linux.Fs;

/// <summary>
/// A task's open files and file-system context, as fs/file.c and fs/fs_struct.c keep them: the descriptor table
/// <c>task-&gt;files-&gt;fdt</c> (<c>max_fds</c> slots of <c>struct file *</c> in <c>fd</c>), and <c>task-&gt;fs</c>
/// (root and pwd, each a <c>struct path</c>).
/// </summary>
public static class TaskFiles
{
    /// <summary>Most descriptor slots read (NR_OPEN, the kernel's limit on sysctl fs.nr_open, is 1024*1024).</summary>
    public const int MaxFds = 1 << 20;

    /// <summary>
    /// for_each_file (drgn's name; the kernel iterates with iterate_fd): the open files of <paramref name="task"/> in
    /// descriptor order. A task without a files_struct (exited) has none. Slots in pages that cannot be read come
    /// back as one entry per page with its problem.
    /// </summary>
    public static WalkResult<OpenFile> ForEachFile(KernelObject task, CancellationToken cancellation = default)
    {
        var kernel = task.Kernel;
        var layout = FsLayout.Of(kernel);
        if (layout.FilesFdt is not { } fdtMember || layout.FdtMaxFds is not { } maxMember || layout.FdtFd is not { } fdMember)
            throw new TypeNotFoundException("struct files_struct/fdtable lack fdt, max_fds or fd");
        var files = task["files"];
        if (!files.TryReadUnsigned(out var filesAddress, out var fault))
            return new([], WalkEnd.Fault, $"task {task.Address:x} files: {fault!.Message}");
        if (filesAddress == 0) return new([], WalkEnd.Completed, null);
        if (!KernelAddress.IsKernel(filesAddress)) return new([], WalkEnd.CorruptLink, $"task {task.Address:x}: files pointer {filesAddress:x} is not a kernel address");
        var filesStruct = kernel.Object("struct files_struct", filesAddress);
        if (!filesStruct.TryUnsigned(fdtMember, out var fdt, out var why)) return new([], WalkEnd.Fault, $"files_struct {filesAddress:x}: {why}");
        if (!KernelAddress.IsKernel(fdt)) return new([], WalkEnd.CorruptLink, $"files_struct {filesAddress:x}: fdt pointer {fdt:x} is not a kernel address");
        var table = kernel.Object("struct fdtable", fdt);
        if (!table.TryUnsigned(maxMember, out var max, out why) || !table.TryUnsigned(fdMember, out var array, out why))
            return new([], WalkEnd.Fault, $"fdtable {fdt:x}: {why}");
        if (!KernelAddress.IsKernel(array)) return new([], WalkEnd.CorruptLink, $"fdtable {fdt:x}: fd array pointer {array:x} is not a kernel address");
        var result = new List<OpenFile>();
        int slots = (int)Math.Min(max, MaxFds);
        int pageSize = kernel.PageSize;
        var buffer = new byte[pageSize];
        int fd = 0;
        while (fd < slots)
        {
            if (cancellation.IsCancellationRequested) return new(result, WalkEnd.Cancelled, "cancelled");
            ulong at = array + (ulong)fd * 8;
            int inPage = (int)(((ulong)pageSize - (at % (ulong)pageSize)) / 8);
            int count = Math.Max(1, Math.Min(inPage, slots - fd));
            var span = buffer.AsSpan(0, count * 8);
            var read = kernel.Memory.ReadVirtual(at, span);
            if (read.Fault is { } f)
                result.Add(new OpenFile(fd, 0, $"fds {fd}-{fd + count - 1}: {f.Message}", count));
            else
                for (int i = 0; i < count; i++)
                    if (BinaryPrimitives.ReadUInt64LittleEndian(span[(i * 8)..]) is var file and not 0)
                        result.Add(new OpenFile(fd + i, file));
            fd += count;
        }
        return max > MaxFds
            ? new(result, WalkEnd.BoundReached, $"fdtable {fdt:x}: max_fds {max} is beyond NR_OPEN; read the first {MaxFds}")
            : new(result, WalkEnd.Completed, null);
    }

    /// <summary>fget (without the reference): the struct file of descriptor <paramref name="fd"/>, or 0.</summary>
    public static ulong Fget(KernelObject task, int fd) =>
        ForEachFile(task).Items.FirstOrDefault(f => f.Fd == fd && f.Problem is null)?.File ?? 0;

    /// <summary>task->fs->root as (vfsmount, dentry), or null when the task has no fs_struct.</summary>
    public static (ulong Mount, ulong Dentry)? Root(KernelObject task) => FsPath(task, FsLayout.Of(task.Kernel).FsRoot);

    /// <summary>task->fs->pwd as (vfsmount, dentry), or null when the task has no fs_struct.</summary>
    public static (ulong Mount, ulong Dentry)? Pwd(KernelObject task) => FsPath(task, FsLayout.Of(task.Kernel).FsPwd);

    private static (ulong Mount, ulong Dentry)? FsPath(KernelObject task, ProbedMember? member)
    {
        if (member is null) return null;
        ulong fs = task["fs"].ReadPointer();
        if (fs == 0) return null;
        if (!KernelAddress.IsKernel(fs)) throw new InvalidDataException($"task {task.Address:x}: fs pointer {fs:x} is not a kernel address");
        var path = task.Kernel.Object("struct fs_struct", fs).Member(member);
        return (path["mnt"].ReadPointer(), path["dentry"].ReadPointer());
    }
}
