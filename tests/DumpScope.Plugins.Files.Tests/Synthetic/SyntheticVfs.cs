namespace DumpScope.Plugins.Files.Tests.Synthetic;

/// <summary>
/// A small VFS built byte by byte with the fixture kernel's own layouts (the bundled 6.1 BTF): a root mount
/// (rootfs, its root dentry "/"), a tmpfs mounted on /mnt, dentries and inodes placed by the test, a task with a
/// files_struct/fdtable and an fs_struct, init_task's nsproxy and mount namespace. Objects are zeroed before
/// their members are set.
/// </summary>
internal sealed class SyntheticVfs
{
    public const ulong RootMount = 0xffff_8880_1000_0000;
    public const ulong TmpMount = 0xffff_8880_1000_1000;
    public const ulong RootDentry = 0xffff_8880_1100_0000;
    public const ulong MntDentry = 0xffff_8880_1100_1000;
    public const ulong TmpRoot = 0xffff_8880_1100_2000;
    public const ulong RootSb = 0xffff_8880_1200_0000;
    public const ulong TmpSb = 0xffff_8880_1200_1000;
    public const ulong Namespace = 0xffff_8880_1300_0000;
    public const ulong Task = 0xffff_8880_1400_0000;
    public const ulong InitTask = 0xffff_8880_1410_0000;
    public const ulong NsProxy = 0xffff_8880_1500_0000;
    public const ulong Files = 0xffff_8880_1600_0000;
    public const ulong FdTable = 0xffff_8880_1600_1000;
    public const ulong FdArray = 0xffff_8880_1610_0000;
    public const ulong FsStruct = 0xffff_8880_1700_0000;
    private const ulong Strings = 0xffff_8880_1800_0000;
    private const ulong FsTypes = 0xffff_8880_1900_0000;
    private ulong _nextString = Strings;
    private ulong _nextFsType = FsTypes;

    public SyntheticVfs()
    {
        Kernel = new SyntheticKernel(ReferenceTypes.Debian61);
        Kernel.Symbols.Add("init_task", InitTask);
        Super(RootSb, "rootfs");
        Super(TmpSb, "tmpfs");
        Dentry(RootDentry, RootDentry, "/", RootSb, hashed: false);
        Dentry(MntDentry, RootDentry, "mnt", RootSb);
        Dentry(TmpRoot, TmpRoot, "/", TmpSb, hashed: false);
        Mount(RootMount, RootMount, RootDentry, RootDentry, RootSb, "rootfs", Namespace);
        Mount(TmpMount, RootMount, MntDentry, TmpRoot, TmpSb, "tmpfs", Namespace);
        Zero(Namespace, "struct mnt_namespace");
        Set(Namespace, "struct mnt_namespace", "root", RootMount);
        MountList(RootMount, TmpMount);

        foreach (var task in new[] { Task, InitTask })
        {
            Zero(task, "struct task_struct");
            Set(task, "struct task_struct", "nsproxy", NsProxy);
            Set(task, "struct task_struct", "files", Files);
            Set(task, "struct task_struct", "fs", FsStruct);
            Set(task, "struct task_struct", "pid", task == Task ? 42u : 0u, 4);
            Kernel.Memory.Write(task + Offset("struct task_struct", "comm"), "synthetic\0"u8);
        }
        Zero(NsProxy, "struct nsproxy");
        Set(NsProxy, "struct nsproxy", "mnt_ns", Namespace);
        Zero(Files, "struct files_struct");
        Set(Files, "struct files_struct", "fdt", FdTable);
        Zero(FdTable, "struct fdtable");
        Set(FdTable, "struct fdtable", "max_fds", 64, 4);
        Set(FdTable, "struct fdtable", "fd", FdArray);
        Kernel.Memory.Write(FdArray, new byte[64 * 8]);
        Zero(FsStruct, "struct fs_struct");
        Set(FsStruct, "struct fs_struct", "root.mnt", RootMount + Offset("struct mount", "mnt"));
        Set(FsStruct, "struct fs_struct", "root.dentry", RootDentry);
        Set(FsStruct, "struct fs_struct", "pwd.mnt", TmpMount + Offset("struct mount", "mnt"));
        Set(FsStruct, "struct fs_struct", "pwd.dentry", TmpRoot);
    }

    public SyntheticKernel Kernel { get; }

    /// <summary>The vfsmount embedded in a struct mount.</summary>
    public ulong Vfs(ulong mount) => mount + Offset("struct mount", "mnt");

    public ulong Offset(string type, string member) => Kernel.Types.Require(type).Resolve().FindMember(member).Offset;

    public void Zero(ulong address, string type) => Kernel.Memory.Write(address, new byte[(int)Kernel.Types.Require(type).Size]);

    public void Set(ulong address, string type, string member, ulong value, int size = 8) =>
        Kernel.Memory.Write(address + Offset(type, member), BitConverter.GetBytes(value).AsSpan(0, size));

    public ulong String(string text)
    {
        ulong at = _nextString;
        Kernel.Memory.Write(at, Encoding.UTF8.GetBytes(text + "\0"));
        _nextString += 0x100;
        return at;
    }

    /// <summary>A dentry named <paramref name="name"/> under <paramref name="parent"/> (itself for a root); hashed unless said.</summary>
    public void Dentry(ulong dentry, ulong parent, string name, ulong sb, ulong inode = 0, bool hashed = true)
    {
        Zero(dentry, "struct dentry");
        Set(dentry, "struct dentry", "d_parent", parent);
        Set(dentry, "struct dentry", "d_name.name", String(name));
        Set(dentry, "struct dentry", "d_name.len", (ulong)Encoding.UTF8.GetByteCount(name), 4);
        Set(dentry, "struct dentry", "d_sb", sb);
        Set(dentry, "struct dentry", "d_inode", inode);
        // d_hash.pprev: any non-NULL value marks the dentry hashed.
        if (hashed) Set(dentry, "struct dentry", "d_hash.pprev", dentry + 0x800);
    }

    public void Inode(ulong inode, uint mode, ulong ino, ulong sb)
    {
        Zero(inode, "struct inode");
        Set(inode, "struct inode", "i_mode", mode, 2);
        Set(inode, "struct inode", "i_ino", ino);
        Set(inode, "struct inode", "i_sb", sb);
    }

    public void Super(ulong sb, string type)
    {
        Zero(sb, "struct super_block");
        ulong fsType = _nextFsType;
        _nextFsType += 0x1000;
        Zero(fsType, "struct file_system_type");
        Set(fsType, "struct file_system_type", "name", String(type));
        Set(sb, "struct super_block", "s_type", fsType);
    }

    public void Mount(ulong mount, ulong parent, ulong mountpoint, ulong root, ulong sb, string devname, ulong ns)
    {
        Zero(mount, "struct mount");
        Set(mount, "struct mount", "mnt_parent", parent);
        Set(mount, "struct mount", "mnt_mountpoint", mountpoint);
        Set(mount, "struct mount", "mnt.mnt_root", root);
        Set(mount, "struct mount", "mnt.mnt_sb", sb);
        Set(mount, "struct mount", "mnt_devname", String(devname));
        Set(mount, "struct mount", "mnt_ns", ns);
    }

    /// <summary>Links the namespace's list head and the mounts' mnt_list in order, closing the circle.</summary>
    public void MountList(params ulong[] mounts)
    {
        ulong head = Namespace + Offset("struct mnt_namespace", "list");
        var nodes = mounts.Select(m => m + Offset("struct mount", "mnt_list")).Prepend(head).ToArray();
        for (int i = 0; i < nodes.Length; i++)
        {
            Kernel.Memory.WriteU64(nodes[i], nodes[(i + 1) % nodes.Length]);
            Kernel.Memory.WriteU64(nodes[i] + 8, nodes[(i + nodes.Length - 1) % nodes.Length]);
        }
    }

    /// <summary>An open file at descriptor <paramref name="fd"/> seen through <paramref name="mount"/>.</summary>
    public void File(int fd, ulong file, ulong mount, ulong dentry, ulong inode)
    {
        Zero(file, "struct file");
        Set(file, "struct file", "f_path.mnt", Vfs(mount));
        Set(file, "struct file", "f_path.dentry", dentry);
        Set(file, "struct file", "f_inode", inode);
        Kernel.Memory.WriteU64(FdArray + (ulong)fd * 8, file);
    }
}
