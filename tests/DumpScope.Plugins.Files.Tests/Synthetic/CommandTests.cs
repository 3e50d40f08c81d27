using Microsoft.Extensions.DependencyInjection;
using DumpScope.Host.Rendering;
using DumpScope.Plugins.Files.Commands;

namespace DumpScope.Plugins.Files.Tests.Synthetic;

/// <summary>The commands on synthetic kernels: rows marked where the data is bad, the families fixtures lack (swap, SysV IPC).</summary>
public sealed class CommandTests
{
    private const ulong Leaf = 0xffff_8880_2000_1000;
    private const ulong LeafInode = 0xffff_8880_2100_0000;
    private const ulong GoodFile = 0xffff_8880_2200_0000;
    private const ulong BadFile = 0xffff_8880_2300_0000;

    private static (FileAnalyzer Analyzer, CommandContext Context) Run(SyntheticKernel kernel)
    {
        var services = kernel.Services(s => s.AddSingletonFileAnalyzer());
        return (new FileAnalyzer(services), new CommandContext(services, "test", CancellationToken.None));
    }

    [Fact]
    public void Files_marks_the_row_of_a_file_in_an_excluded_page_and_shows_the_others()
    {
        var vfs = new SyntheticVfs();
        vfs.Inode(LeafInode, 0x81a4, 77, SyntheticVfs.TmpSb);
        vfs.Dentry(Leaf, SyntheticVfs.TmpRoot, "leaf", SyntheticVfs.TmpSb, LeafInode);
        vfs.File(0, GoodFile, SyntheticVfs.TmpMount, Leaf, LeafInode);
        vfs.File(1, BadFile, SyntheticVfs.TmpMount, Leaf, LeafInode);
        vfs.Kernel.Memory.Exclude(BadFile);
        var (analyzer, context) = Run(vfs.Kernel);
        var result = new FilesCommand(analyzer) { Selectors = [$"{SyntheticVfs.Task:x}"] }.Execute(context);

        result.Failed.Should().BeFalse(result.Error);
        var table = result.Blocks.OfType<TableBlock>().Single();
        table.Title.Should().Contain("ROOT: /    CWD: /mnt");
        table.Rows.Should().HaveCount(2);
        table.Rows[0].Text.Should().Be($"  0 {GoodFile:x16} {Leaf:x16} {LeafInode:x16} REG  /mnt/leaf");
        table.Rows[0].Problem.Should().BeNull();
        table.Rows[0].Targets.Select(t => t.Subject).Should().Contain(new ObjectTarget("struct file", GoodFile));
        table.Rows[1].Problem.Should().Contain($"struct file {BadFile:x}");
        table.Rows[1].Cells[5].Absence.Should().Be(Absence.Unreadable);
        var facts = result.Blocks.OfType<TextBlock>().Single().Entries!;
        facts.Rows[0].Targets.Single().Subject.Should().Be(new TaskTarget(SyntheticVfs.Task, 42));
    }

    [Fact]
    public void Files_without_a_task_shows_the_current_task_chosen_with_set()
    {
        var vfs = new SyntheticVfs();
        var current = new CurrentContext();
        current.Set(SyntheticVfs.Task, null);
        var services = vfs.Kernel.Services(s => s.AddSingletonFileAnalyzer().AddSingleton<ICurrentContext>(current));
        var result = new FilesCommand(new FileAnalyzer(services)).Execute(new CommandContext(services, "files", CancellationToken.None));
        result.Failed.Should().BeFalse(result.Error);
        result.Blocks.OfType<TextBlock>().Single().Lines[0].Should().StartWith($"PID: 42       TASK: {SyntheticVfs.Task:x16}");
    }

    [Fact]
    public void Swap_shows_a_swap_file_with_its_size_use_priority_and_path()
    {
        var vfs = new SyntheticVfs();
        const ulong swapInfo = 0xffff_8880_3000_0000, si = 0xffff_8880_3100_0000, nr = 0xffff_8880_3000_1000;
        vfs.Inode(LeafInode, 0x8180, 12, SyntheticVfs.RootSb);
        vfs.Dentry(Leaf, SyntheticVfs.RootDentry, "swapfile", SyntheticVfs.RootSb, LeafInode);
        vfs.File(0, GoodFile, SyntheticVfs.RootMount, Leaf, LeafInode);
        vfs.Zero(si, "struct swap_info_struct");
        vfs.Set(si, "struct swap_info_struct", "flags", 3);
        vfs.Set(si, "struct swap_info_struct", "prio", unchecked((ulong)-2L), 2);
        vfs.Set(si, "struct swap_info_struct", "pages", 1000, 4);
        vfs.Set(si, "struct swap_info_struct", "inuse_pages", 250, 4);
        vfs.Set(si, "struct swap_info_struct", "swap_file", GoodFile);
        vfs.Kernel.Global("swap_info", swapInfo, si);
        vfs.Kernel.Memory.WriteU32(nr, 1);
        vfs.Kernel.Symbols.Add("nr_swapfiles", nr);
        var (analyzer, context) = Run(vfs.Kernel);
        var result = new SwapCommand(analyzer).Execute(context);
        TextRenderer.Render(result).Split('\n')[1].Should().Be($"{si:x16}  FILE           4000k      1000k   25%    -2  /swapfile");
    }

    [Fact]
    public void Ipcs_lists_a_shared_memory_segment_from_the_idr_and_says_none_for_the_empty_families()
    {
        var vfs = new SyntheticVfs();
        const ulong ns = 0xffff_8880_4000_0000, shm = 0xffff_8880_4100_0000;
        vfs.Zero(ns, "struct ipc_namespace");
        vfs.Kernel.Symbols.Add("init_ipc_ns", ns);
        vfs.Zero(shm, "struct shmid_kernel");
        vfs.Set(shm, "struct shmid_kernel", "shm_perm.key", 0x1234, 4);
        vfs.Set(shm, "struct shmid_kernel", "shm_perm.id", 0, 4);
        vfs.Set(shm, "struct shmid_kernel", "shm_perm.uid.val", 1000, 4);
        vfs.Set(shm, "struct shmid_kernel", "shm_perm.mode", 0x200 | 0x1b6, 2);
        vfs.Set(shm, "struct shmid_kernel", "shm_segsz", 90000);
        vfs.Set(shm, "struct shmid_kernel", "shm_nattch", 1);
        // An IDR with the single id 0: the xarray's head is the entry itself.
        vfs.Set(ns, "struct ipc_namespace", "ids[2].ipcs_idr.idr_rt.xa_head", shm + vfs.Offset("struct shmid_kernel", "shm_perm"));
        var (analyzer, context) = Run(vfs.Kernel);
        var lines = TextRenderer.Render(new IpcsCommand(analyzer).Execute(context)).Split('\n');
        lines[1].Should().Be($"{shm:x16} 00001234 0          1000  666   90000      1      dest");
        lines.Should().Contain("(none allocated)");
        lines.Count(l => l == "(none allocated)").Should().Be(2);
    }
}
