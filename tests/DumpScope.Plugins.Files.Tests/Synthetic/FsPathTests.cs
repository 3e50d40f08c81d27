using DumpScope.Sdk.Linux.Fs;

namespace DumpScope.Plugins.Files.Tests.Synthetic;

/// <summary>d_path, the fd-table walk and the mount walk on a VFS built with the 6.1 layouts, healthy and damaged.</summary>
public sealed class FsPathTests
{
    private const ulong Sub = 0xffff_8880_2000_0000;
    private const ulong Leaf = 0xffff_8880_2000_1000;
    private const ulong LeafInode = 0xffff_8880_2100_0000;

    private static SyntheticVfs Tree()
    {
        var vfs = new SyntheticVfs();
        vfs.Dentry(Sub, SyntheticVfs.TmpRoot, "sub", SyntheticVfs.TmpSb);
        vfs.Inode(LeafInode, 0x81a4, 77, SyntheticVfs.TmpSb);
        vfs.Dentry(Leaf, Sub, "leaf", SyntheticVfs.TmpSb, LeafInode);
        return vfs;
    }

    [Fact]
    public void D_path_climbs_the_dentries_then_crosses_the_mount_point_into_the_parent_mount()
    {
        var vfs = Tree();
        var path = FsPaths.DPath(vfs.Kernel, vfs.Vfs(SyntheticVfs.TmpMount), Leaf);
        path.Should().Be(new FilePath("/mnt/sub/leaf", false, false, null));
        FsPaths.DentryPath(vfs.Kernel, Leaf).Path.Should().Be("/sub/leaf", "dentry_path stays inside the tmpfs");
        FsPaths.DPath(vfs.Kernel, vfs.Vfs(SyntheticVfs.TmpMount), SyntheticVfs.TmpRoot).Path.Should().Be("/mnt");
        FsPaths.DPath(vfs.Kernel, vfs.Vfs(SyntheticVfs.RootMount), SyntheticVfs.RootDentry).Path.Should().Be("/");
    }

    [Fact]
    public void An_unhashed_dentry_is_deleted_and_a_mount_outside_any_namespace_is_detached()
    {
        var vfs = Tree();
        vfs.Set(Leaf, "struct dentry", "d_hash.pprev", 0);
        var deleted = FsPaths.DPath(vfs.Kernel, vfs.Vfs(SyntheticVfs.TmpMount), Leaf);
        deleted.Deleted.Should().BeTrue();
        deleted.Display.Should().Be("/mnt/sub/leaf (deleted)");

        // Lazily unmounted: the tmpfs is its own parent and in no namespace.
        vfs.Set(SyntheticVfs.TmpMount, "struct mount", "mnt_parent", SyntheticVfs.TmpMount);
        vfs.Set(SyntheticVfs.TmpMount, "struct mount", "mnt_ns", 0);
        var detached = FsPaths.DPath(vfs.Kernel, vfs.Vfs(SyntheticVfs.TmpMount), Sub);
        detached.Should().Be(new FilePath("/sub", false, true, null));
    }

    [Fact]
    public void A_cycle_in_d_parent_ends_the_path_with_a_problem_instead_of_looping()
    {
        var vfs = Tree();
        vfs.Set(Sub, "struct dentry", "d_parent", Leaf);
        var path = FsPaths.DPath(vfs.Kernel, vfs.Vfs(SyntheticVfs.TmpMount), Leaf);
        path.Problem.Should().Contain("cycle");
        path.Path.Should().EndWith("sub/leaf");
    }

    [Fact]
    public void A_garbage_name_is_shown_as_a_question_mark_and_the_walk_goes_on_to_the_root()
    {
        var vfs = Tree();
        vfs.Set(Sub, "struct dentry", "d_name.name", 0x1234);
        var path = FsPaths.DPath(vfs.Kernel, vfs.Vfs(SyntheticVfs.TmpMount), Leaf);
        path.Path.Should().Be("/mnt/?/leaf");
        path.Problem.Should().Contain("garbage name");

        vfs.Set(Sub, "struct dentry", "d_name.name", vfs.String("a/b"));
        vfs.Set(Sub, "struct dentry", "d_name.len", 3, 4);
        FsPaths.DPath(vfs.Kernel, vfs.Vfs(SyntheticVfs.TmpMount), Leaf).Problem.Should().Contain("'/'");
    }

    [Fact]
    public void A_dentry_in_an_excluded_page_cuts_the_path_there_with_the_fault()
    {
        var vfs = Tree();
        vfs.Kernel.Memory.Exclude(Sub);
        var path = FsPaths.DPath(vfs.Kernel, vfs.Vfs(SyntheticVfs.TmpMount), Leaf);
        path.Path.Should().Be("?/leaf");
        path.Problem.Should().Contain($"dentry {Sub:x}");
    }

    [Fact]
    public void The_fd_walk_returns_open_slots_in_order_and_one_entry_for_a_page_of_slots_it_cannot_read()
    {
        var vfs = Tree();
        const ulong file = 0xffff_8880_2200_0000;
        vfs.File(0, file, SyntheticVfs.TmpMount, Leaf, LeafInode);
        vfs.File(5, file + 0x100, SyntheticVfs.TmpMount, Leaf, LeafInode);
        var task = vfs.Kernel.Object("struct task_struct", SyntheticVfs.Task);
        TaskFiles.ForEachFile(task).Items.Should().Equal(new OpenFile(0, file), new OpenFile(5, file + 0x100));
        TaskFiles.Fget(task, 5).Should().Be(file + 0x100);

        // 1024 slots over two pages; the second page is excluded from the dump.
        vfs.Set(SyntheticVfs.FdTable, "struct fdtable", "max_fds", 1024, 4);
        vfs.Kernel.Memory.Write(SyntheticVfs.FdArray + 64 * 8, new byte[(1024 - 64) * 8]);
        vfs.Kernel.Memory.Exclude(SyntheticVfs.FdArray + 4096);
        var walk = TaskFiles.ForEachFile(task);
        walk.IsComplete.Should().BeTrue();
        walk.Items.Should().HaveCount(3);
        walk.Items[2].Should().Match<OpenFile>(f => f.Fd == 512 && f.Count == 512 && f.File == 0 && f.Problem!.StartsWith("fds 512-1023: "));
    }

    [Fact]
    public void The_mount_walk_follows_the_namespace_list_and_stops_at_a_cycle_that_misses_the_head()
    {
        var vfs = Tree();
        var mounts = Mounts.ForEachMount(vfs.Kernel, Mounts.InitMntNs(vfs.Kernel));
        mounts.Items.Should().Equal(SyntheticVfs.RootMount, SyntheticVfs.TmpMount);
        mounts.IsComplete.Should().BeTrue();
        Mounts.Describe(vfs.Kernel, SyntheticVfs.TmpMount).Should().Be(
            new MountInfo(SyntheticVfs.TmpMount, SyntheticVfs.TmpSb, "tmpfs", "tmpfs", new FilePath("/mnt", false, false, null), null));

        // The tmpfs's next points back to the root mount, not to the head.
        vfs.Kernel.Memory.WriteU64(SyntheticVfs.TmpMount + vfs.Offset("struct mount", "mnt_list"), SyntheticVfs.RootMount + vfs.Offset("struct mount", "mnt_list"));
        var cut = Mounts.ForEachMount(vfs.Kernel, SyntheticVfs.Namespace);
        cut.End.Should().Be(WalkEnd.Cycle);
        cut.Items.Should().Equal(SyntheticVfs.RootMount, SyntheticVfs.TmpMount);
    }

    [Fact]
    public void A_cursor_on_the_mount_list_is_skipped()
    {
        var vfs = Tree();
        const ulong cursor = 0xffff_8880_1000_2000;
        vfs.Zero(cursor, "struct mount");
        vfs.MountList(SyntheticVfs.RootMount, cursor, SyntheticVfs.TmpMount);
        Mounts.ForEachMount(vfs.Kernel, SyntheticVfs.Namespace).Items.Should().Equal(SyntheticVfs.RootMount, SyntheticVfs.TmpMount);
    }
}
