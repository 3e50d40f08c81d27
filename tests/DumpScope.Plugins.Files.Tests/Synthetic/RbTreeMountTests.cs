using DumpScope.Host.Types.Btf;
using DumpScope.Sdk.Linux.Fs;

namespace DumpScope.Plugins.Files.Tests.Synthetic;

/// <summary>
/// The mount walk on a 6.8-style namespace (commit 2eea9ce4310d: <c>mnt_namespace.mounts</c> is an rb_root of
/// <c>mount.mnt_node</c>, the list is gone), with written BTF holding only the members the helpers probe.
/// </summary>
public sealed class RbTreeMountTests
{
    private const ulong Ns = 0xffff_8880_5000_0000;
    private const ulong M0 = 0xffff_8880_5100_0000, M1 = 0xffff_8880_5100_1000, M2 = 0xffff_8880_5100_2000;
    private const ulong RootDentry = 0xffff_8880_5200_0000, Point = 0xffff_8880_5200_1000, Sb = 0xffff_8880_5300_0000, FsType = 0xffff_8880_5300_1000;
    private const ulong Names = 0xffff_8880_5400_0000;
    private const ulong MntNode = 48, Devname = 32, Parent = 0, Mountpoint = 8, MntRoot = 16, MntSb = 24;

    private static SyntheticKernel Kernel()
    {
        var b = new BtfBuilder();
        var t = b.KernelBasics();
        int u16 = b.Int("short unsigned int", 2);
        int rbNodePtr = b.Ptr(b.NextId + 1);
        int rbNode = b.Struct("rb_node", 24, ("__rb_parent_color", t.U64, 0, 0), ("rb_right", rbNodePtr, 64, 0), ("rb_left", rbNodePtr, 128, 0));
        int rbRoot = b.Struct("rb_root", 8, ("rb_node", rbNodePtr, 0, 0));
        int qstr = b.Struct("qstr", 16, ("hash", t.U32, 0, 0), ("len", t.U32, 32, 0), ("name", t.CharPtr, 64, 0));
        b.Struct("dentry", 64, ("d_parent", t.VoidPtr, 0, 0), ("d_name", qstr, 64, 0), ("d_inode", t.VoidPtr, 192, 0), ("d_sb", t.VoidPtr, 256, 0));
        b.Struct("inode", 16, ("i_mode", u16, 0, 0));
        b.Struct("super_block", 16, ("s_type", t.VoidPtr, 0, 0));
        b.Struct("file_system_type", 8, ("name", t.CharPtr, 0, 0));
        int path = b.Struct("path", 16, ("mnt", t.VoidPtr, 0, 0), ("dentry", t.VoidPtr, 64, 0));
        b.Struct("file", 32, ("f_path", path, 0, 0), ("f_inode", t.VoidPtr, 128, 0));
        int vfsmount = b.Struct("vfsmount", 16, ("mnt_root", t.VoidPtr, 0, 0), ("mnt_sb", t.VoidPtr, 64, 0));
        b.Struct("mount", 72, ("mnt_parent", t.VoidPtr, 0, 0), ("mnt_mountpoint", t.VoidPtr, 64, 0), ("mnt", vfsmount, 128, 0),
            ("mnt_devname", t.CharPtr, 256, 0), ("mnt_ns", t.VoidPtr, 320, 0), ("mnt_node", rbNode, 384, 0));
        b.Struct("mnt_namespace", 24, ("root", t.VoidPtr, 0, 0), ("mounts", rbRoot, 64, 0), ("nr_mounts", t.U32, 128, 0));
        var kernel = new SyntheticKernel(BtfTypeCatalog.FromBytes(b.Build(), "6.8-style mount types"));
        var m = kernel.Memory;
        m.Write(Ns, new byte[24]);
        m.WriteU64(Ns + 8, M1 + MntNode);
        m.Write(Sb, new byte[16]);
        m.WriteU64(Sb, FsType);
        m.WriteU64(FsType, Names);
        m.Write(Names, "ramfs\0"u8);
        m.Write(Names + 0x100, "none\0"u8);
        m.Write(Names + 0x200, "point\0"u8);
        Dentry(m, RootDentry, RootDentry, Names + 0x100, 4);
        Dentry(m, Point, RootDentry, Names + 0x200, 5);
        foreach (var (mount, parent, left, right) in new[] { (M0, M0, 0UL, 0UL), (M1, M0, M0 + MntNode, M2 + MntNode), (M2, M0, 0UL, 0UL) })
        {
            m.Write(mount, new byte[72]);
            m.WriteU64(mount + Parent, parent);
            m.WriteU64(mount + Mountpoint, mount == M0 ? RootDentry : Point);
            m.WriteU64(mount + MntRoot, RootDentry);
            m.WriteU64(mount + MntSb, Sb);
            m.WriteU64(mount + Devname, Names + 0x100);
            m.WriteU64(mount + 40, Ns);
            m.WriteU64(mount + MntNode + 8, right);
            m.WriteU64(mount + MntNode + 16, left);
        }
        return kernel;
    }

    private static void Dentry(SyntheticMemory m, ulong dentry, ulong parent, ulong name, uint length)
    {
        m.Write(dentry, new byte[64]);
        m.WriteU64(dentry, parent);
        m.WriteU32(dentry + 12, length);
        m.WriteU64(dentry + 16, name);
        m.WriteU64(dentry + 32, Sb);
    }

    [Fact]
    public void The_mounts_of_an_rb_tree_namespace_come_in_tree_order()
    {
        var kernel = Kernel();
        var walk = Mounts.ForEachMount(kernel, Ns);
        walk.IsComplete.Should().BeTrue(walk.Problem);
        walk.Items.Should().Equal(M0, M1, M2);
        Mounts.Describe(kernel, M1).Should().Be(new MountInfo(M1, Sb, "ramfs", "none", new FilePath("/point", false, false, null), null));
    }

    [Fact]
    public void A_cycle_in_the_tree_ends_the_walk_with_the_mounts_before_it()
    {
        var kernel = Kernel();
        kernel.Memory.WriteU64(M2 + MntNode + 16, M1 + MntNode);
        var walk = Mounts.ForEachMount(kernel, Ns);
        walk.IsComplete.Should().BeFalse();
        walk.Items.Should().StartWith([M0, M1]).And.OnlyHaveUniqueItems();
    }
}
