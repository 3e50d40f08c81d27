using DumpScope.Sdk.Linux.RbTree;

namespace DumpScope.Sdk.Linux.Fs;

/// <summary>
/// The mounts of a mount namespace (fs/namespace.c), however this kernel keeps them, probed by member: the rb-tree
/// <c>mnt_namespace.mounts</c> through <c>mount.mnt_node</c> (commit 2eea9ce4310d "mounts: keep list of mounts in an
/// rbtree", 6.8), else the list <c>mnt_namespace.list</c> through <c>mount.mnt_list</c>. On the list, the
/// cursors that /proc/mounts readers park there (commit 9f6c61f96f2d "proc/mounts: add cursor", 5.8, until 6.8)
/// are skipped: they are zeroed mounts with no super block.
/// </summary>
public static class Mounts
{
    /// <summary>Most mounts walked (fs.mount-max defaults to 100,000).</summary>
    public const int MaxMounts = 1 << 20;

    /// <summary>for_each_mount: the struct mount addresses of the namespace at <paramref name="mntNamespace"/>, in its order.</summary>
    public static WalkResult<ulong> ForEachMount(IKernel kernel, ulong mntNamespace, CancellationToken cancellation = default)
    {
        var layout = FsLayout.Of(kernel);
        if (layout.NsMounts is { } tree && layout.MountNode is { } node)
            return RbTrees.RbForEach(kernel, mntNamespace + tree.Offset, MaxMounts, cancellation).Select(n => n - node.Offset);
        if (layout.NsList is not { } list || layout.MountList is not { } link)
            throw new TypeNotFoundException("struct mnt_namespace has neither mounts (rb-tree) nor list");
        var walk = KernelLists.ListForEach(kernel.Memory, mntNamespace + list.Offset, MaxMounts, cancellation);
        var mounts = new List<ulong>();
        foreach (var n in walk.Items)
        {
            ulong mount = n - link.Offset;
            if (IsCursor(kernel, layout, mount)) continue;
            mounts.Add(mount);
        }
        return new(mounts, walk.End, walk.Problem is null ? null : $"mnt_namespace {mntNamespace:x} list: {walk.Problem}");
    }

    /// <summary>The mount namespace of init_task (init_nsproxy.mnt_ns): the namespace the system booted with.</summary>
    public static ulong InitMntNs(IKernel kernel) => TaskMntNs(KernelTasks.InitTask(kernel));

    /// <summary>task->nsproxy->mnt_ns; throws <see cref="InvalidDataException"/> when the task has no nsproxy (it exited).</summary>
    public static ulong TaskMntNs(KernelObject task) =>
        KernelTasks.TaskNsproxy(task)["mnt_ns"].ReadPointer();

    /// <summary>
    /// The facts /proc/mounts shows for the struct mount at <paramref name="mount"/>: super block, type (mount_fstype),
    /// device name (mount_src) and mount point (mount_dst: d_path of mnt_mountpoint in mnt_parent).
    /// </summary>
    public static MountInfo Describe(IKernel kernel, ulong mount)
    {
        var layout = FsLayout.Of(kernel);
        var problems = new List<string>();
        var m = new KernelObject(kernel, layout.Mount.Type, mount).Load(layout.Mount.Size, "mount");
        ulong sb = 0;
        string? type = null, devname = null;
        FilePath? dir = null;
        if (m.Member(layout.MountVfs).TryUnsigned(layout.VfsSb, out sb, out var why))
        {
            type = SuperBlocks.TypeName(kernel, sb);
            if (type is null) problems.Add($"super_block {sb:x}: type unreadable");
        }
        else problems.Add($"mnt_sb: {why}");
        if (layout.MountDevname is { } dn)
        {
            if (m.TryString(dn, out var text, out why)) devname = text;
            else problems.Add($"mnt_devname: {why}");
        }
        if (m.TryUnsigned(layout.MountParent, out var parent, out why) && m.TryUnsigned(layout.MountMountpoint, out var mountpoint, out why))
        {
            dir = FsPaths.DPath(kernel, layout.VfsOf(parent), mountpoint);
            if (dir.Problem is not null) problems.Add($"mount point: {dir.Problem}");
        }
        else problems.Add($"mount point: {why}");
        return new MountInfo(mount, sb, type, devname, dir, problems.Count == 0 ? null : string.Join("; ", problems));
    }

    private static bool IsCursor(IKernel kernel, FsLayout layout, ulong mount) =>
        kernel.Object("struct vfsmount", layout.VfsOf(mount)).TryUnsigned(layout.VfsSb, out var sb, out _) && sb == 0;
}
