namespace DumpScope.Sdk.Linux.Fs;

/// <summary>
/// The members of the VFS structures the file-system helpers read (<c>struct file</c>, <c>dentry</c>, <c>inode</c>,
/// <c>mount</c>, <c>super_block</c>, <c>files_struct</c>, <c>fdtable</c>, <c>fs_struct</c>, <c>mnt_namespace</c>),
/// probed once per kernel by name. Layout changes handled:
/// the namespace's mounts in an rb-tree <c>mnt_namespace.mounts</c> through <c>mount.mnt_node</c> (commit
/// 2eea9ce4310d "mounts: keep list of mounts in an rbtree", 6.8) instead of the list <c>mnt_namespace.list</c>
/// through <c>mount.mnt_list</c>; <c>dentry.d_hash</c> as the hlist_bl node whose NULL <c>pprev</c> means unhashed.
/// </summary>
public sealed class FsLayout
{
    private FsLayout(IKernel kernel)
    {
        File = StructLayout.Probe(kernel, "struct file");
        Dentry = StructLayout.Probe(kernel, "struct dentry");
        Inode = StructLayout.Probe(kernel, "struct inode");
        SuperBlock = StructLayout.Probe(kernel, "struct super_block");
        Mount = StructLayout.Probe(kernel, "struct mount");
        VfsMount = StructLayout.Probe(kernel, "struct vfsmount");
        MntNamespace = StructLayout.TryProbe(kernel, "struct mnt_namespace");
        FilesStruct = StructLayout.TryProbe(kernel, "struct files_struct");
        FdTable = StructLayout.TryProbe(kernel, "struct fdtable");
        FsStruct = StructLayout.TryProbe(kernel, "struct fs_struct");
        FileSystemType = StructLayout.TryProbe(kernel, "struct file_system_type");

        FileMnt = File.RequireScalar("f_path.mnt", "f_vfsmnt");
        FileDentry = File.RequireScalar("f_path.dentry", "f_dentry");
        FileInode = File.FindScalar("f_inode");
        FileOps = File.FindScalar("f_op");

        DentryParent = Dentry.RequireScalar("d_parent");
        DentryName = Dentry.RequireScalar("d_name.name");
        DentryNameLength = Dentry.FindScalar("d_name.len");
        DentryInode = Dentry.RequireScalar("d_inode");
        DentrySb = Dentry.FindScalar("d_sb");
        DentryHashPprev = Dentry.FindScalar("d_hash.pprev");

        InodeMode = Inode.RequireScalar("i_mode");
        InodeIno = Inode.FindScalar("i_ino");
        InodeSb = Inode.FindScalar("i_sb");
        InodeRdev = Inode.FindScalar("i_rdev");
        InodeSize = Inode.FindScalar("i_size");

        SbType = SuperBlock.FindScalar("s_type");
        SbId = SuperBlock.Find("s_id");
        SbDev = SuperBlock.FindScalar("s_dev");
        FsTypeName = FileSystemType?.FindScalar("name");

        VfsRoot = VfsMount.RequireScalar("mnt_root");
        VfsSb = VfsMount.RequireScalar("mnt_sb");
        // The mount tree lives in struct mount around its embedded vfsmount (3.3+; older kernels are not handled).
        var tree = Mount;
        MountVfs = Mount.Require("mnt");
        MountParent = tree.RequireScalar("mnt_parent");
        MountMountpoint = tree.RequireScalar("mnt_mountpoint");
        MountDevname = tree.FindScalar("mnt_devname");
        MountNs = tree.FindScalar("mnt_ns");
        MountList = tree.Find("mnt_list");
        MountNode = tree.Find("mnt_node");
        MountId = tree.FindScalar("mnt_id");

        NsRoot = MntNamespace?.FindScalar("root");
        NsList = MntNamespace?.Find("list");
        NsMounts = MntNamespace?.Find("mounts") is { Type.IsAggregate: true } tree6 ? tree6 : null;
        NsCount = MntNamespace?.FindScalar("nr_mounts", "mounts");

        FilesFdt = FilesStruct?.FindScalar("fdt");
        FdtMaxFds = FdTable?.FindScalar("max_fds");
        FdtFd = FdTable?.FindScalar("fd");
        FsRoot = FsStruct?.Find("root");
        FsPwd = FsStruct?.Find("pwd");
    }

    /// <summary>The probed layout of this kernel's VFS structures (probed on first use, then kept).</summary>
    public static FsLayout Of(IKernel kernel) => KernelProbes.Get(kernel, k => new FsLayout(k));

    /// <summary>struct file.</summary>
    public StructLayout File { get; }
    /// <summary>struct dentry.</summary>
    public StructLayout Dentry { get; }
    /// <summary>struct inode.</summary>
    public StructLayout Inode { get; }
    /// <summary>struct super_block.</summary>
    public StructLayout SuperBlock { get; }
    /// <summary>struct mount (3.3+).</summary>
    public StructLayout Mount { get; }
    /// <summary>struct vfsmount.</summary>
    public StructLayout VfsMount { get; }
    /// <summary>struct mnt_namespace.</summary>
    public StructLayout? MntNamespace { get; }
    /// <summary>struct files_struct.</summary>
    public StructLayout? FilesStruct { get; }
    /// <summary>struct fdtable.</summary>
    public StructLayout? FdTable { get; }
    /// <summary>struct fs_struct.</summary>
    public StructLayout? FsStruct { get; }
    /// <summary>struct file_system_type.</summary>
    public StructLayout? FileSystemType { get; }

    /// <summary>file.f_path.mnt.</summary>
    public ProbedMember FileMnt { get; }
    /// <summary>file.f_path.dentry.</summary>
    public ProbedMember FileDentry { get; }
    /// <summary>file.f_inode (3.9+).</summary>
    public ProbedMember? FileInode { get; }
    /// <summary>file.f_op.</summary>
    public ProbedMember? FileOps { get; }
    /// <summary>dentry.d_parent.</summary>
    public ProbedMember DentryParent { get; }
    /// <summary>dentry.d_name.name.</summary>
    public ProbedMember DentryName { get; }
    /// <summary>dentry.d_name.len.</summary>
    public ProbedMember? DentryNameLength { get; }
    /// <summary>dentry.d_inode.</summary>
    public ProbedMember DentryInode { get; }
    /// <summary>dentry.d_sb.</summary>
    public ProbedMember? DentrySb { get; }
    /// <summary>dentry.d_hash.pprev: NULL when the dentry is unhashed (deleted, or never hashed).</summary>
    public ProbedMember? DentryHashPprev { get; }
    /// <summary>inode.i_mode.</summary>
    public ProbedMember InodeMode { get; }
    /// <summary>inode.i_ino.</summary>
    public ProbedMember? InodeIno { get; }
    /// <summary>inode.i_sb.</summary>
    public ProbedMember? InodeSb { get; }
    /// <summary>inode.i_rdev.</summary>
    public ProbedMember? InodeRdev { get; }
    /// <summary>inode.i_size.</summary>
    public ProbedMember? InodeSize { get; }
    /// <summary>super_block.s_type.</summary>
    public ProbedMember? SbType { get; }
    /// <summary>super_block.s_id (the device name, "vda1", "tmpfs").</summary>
    public ProbedMember? SbId { get; }
    /// <summary>super_block.s_dev.</summary>
    public ProbedMember? SbDev { get; }
    /// <summary>file_system_type.name.</summary>
    public ProbedMember? FsTypeName { get; }
    /// <summary>vfsmount.mnt_root.</summary>
    public ProbedMember VfsRoot { get; }
    /// <summary>vfsmount.mnt_sb.</summary>
    public ProbedMember VfsSb { get; }
    /// <summary>mount.mnt: the embedded vfsmount.</summary>
    public ProbedMember MountVfs { get; }
    /// <summary>mount.mnt_parent.</summary>
    public ProbedMember MountParent { get; }
    /// <summary>mount.mnt_mountpoint: the dentry in the parent it is mounted on.</summary>
    public ProbedMember MountMountpoint { get; }
    /// <summary>mount.mnt_devname.</summary>
    public ProbedMember? MountDevname { get; }
    /// <summary>mount.mnt_ns.</summary>
    public ProbedMember? MountNs { get; }
    /// <summary>mount.mnt_list (the namespace list before 6.8).</summary>
    public ProbedMember? MountList { get; }
    /// <summary>mount.mnt_node (the namespace rb-tree node, 6.8+).</summary>
    public ProbedMember? MountNode { get; }
    /// <summary>mount.mnt_id.</summary>
    public ProbedMember? MountId { get; }
    /// <summary>mnt_namespace.root.</summary>
    public ProbedMember? NsRoot { get; }
    /// <summary>mnt_namespace.list (before 6.8).</summary>
    public ProbedMember? NsList { get; }
    /// <summary>mnt_namespace.mounts as an rb_root (6.8+); null before, when "mounts" is the count.</summary>
    public ProbedMember? NsMounts { get; }
    /// <summary>The number of mounts in the namespace (mnt_namespace.nr_mounts, or mounts before 6.8).</summary>
    public ProbedMember? NsCount { get; }
    /// <summary>files_struct.fdt.</summary>
    public ProbedMember? FilesFdt { get; }
    /// <summary>fdtable.max_fds.</summary>
    public ProbedMember? FdtMaxFds { get; }
    /// <summary>fdtable.fd (struct file **).</summary>
    public ProbedMember? FdtFd { get; }
    /// <summary>fs_struct.root (struct path).</summary>
    public ProbedMember? FsRoot { get; }
    /// <summary>fs_struct.pwd (struct path).</summary>
    public ProbedMember? FsPwd { get; }

    /// <summary>The address of a mount's embedded vfsmount.</summary>
    public ulong VfsOf(ulong mount) => mount + MountVfs.Offset;

    /// <summary>real_mount: the struct mount around a vfsmount address.</summary>
    public ulong RealMount(ulong vfsmount) => vfsmount - MountVfs.Offset;
}
