namespace DumpScope.Sdk.Linux.Tests.Mm;

/// <summary>for_each_vma and the mm counters on the layouts before the maple tree (6.1) and before percpu rss_stat (6.2).</summary>
public sealed class VmasTests
{
    private const ulong MmAddress = 0xffff_8880_0200_0000;
    private static readonly ulong[] VmaAddresses = [0xffff_8880_0210_0000, 0xffff_8880_0210_1000, 0xffff_8880_0210_2000];

    private static SyntheticKernel Kernel()
    {
        var k = new SyntheticKernel(SyntheticTypes.WithListTypes());
        k.Struct("struct rb_node", ("__rb_parent_color", k.T("unsigned long")), ("rb_right", k.Ptr("struct rb_node")), ("rb_left", k.Ptr("struct rb_node")));
        k.Struct("struct rb_root", ("rb_node", k.Ptr("struct rb_node")));
        k.Struct("struct atomic_long_t", ("counter", k.T("long")));
        k.Struct("struct mm_rss_stat", ("count", k.Array("struct atomic_long_t", 4)));
        k.Struct("struct vm_area_struct", ("vm_start", k.T("unsigned long")), ("vm_end", k.T("unsigned long")), ("vm_next", k.Ptr("struct vm_area_struct")),
            ("vm_rb", k.T("struct rb_node")));
        k.Struct("struct mm_struct", ("mmap", k.Ptr("struct vm_area_struct")), ("mm_rb", k.T("struct rb_root")), ("total_vm", k.T("unsigned long")),
            ("rss_stat", k.T("struct mm_rss_stat")));
        k.Zero("struct mm_struct", MmAddress);
        for (int i = 0; i < 3; i++)
        {
            k.Zero("struct vm_area_struct", VmaAddresses[i]);
            k.Set("struct vm_area_struct", VmaAddresses[i], "vm_start", 0x400000UL + (ulong)i * 0x10000);
            k.Set("struct vm_area_struct", VmaAddresses[i], "vm_end", 0x408000UL + (ulong)i * 0x10000);
        }
        return k;
    }

    [Fact]
    public void Before_the_maple_tree_the_vmas_come_from_the_mmap_list()
    {
        var k = Kernel();
        k.Set("struct mm_struct", MmAddress, "mmap", VmaAddresses[0]);
        k.Set("struct vm_area_struct", VmaAddresses[0], "vm_next", VmaAddresses[1]);
        k.Set("struct vm_area_struct", VmaAddresses[1], "vm_next", VmaAddresses[2]);
        var walk = Vmas.ForEachVma(k.Object("struct mm_struct", MmAddress));
        walk.IsComplete.Should().BeTrue(walk.Problem);
        walk.Items.Select(v => v.Vma.Address).Should().Equal(VmaAddresses);
        walk.Items.Should().OnlyContain(v => v.StoredFirst == null, "a list stores no ranges");
    }

    [Fact]
    public void Without_a_list_the_vmas_come_from_the_rb_tree_in_address_order()
    {
        var k = Kernel();
        k.Struct("struct mm_struct", ("mm_rb", k.T("struct rb_root")), ("total_vm", k.T("unsigned long")));
        // mm_rb: the middle VMA at the root, the others as its children; no mmap list.
        ulong rb = k.Offset("struct vm_area_struct", "vm_rb");
        k.Set("struct mm_struct", MmAddress, "mm_rb.rb_node", VmaAddresses[1] + rb);
        k.Set("struct vm_area_struct", VmaAddresses[1], "vm_rb.rb_left", VmaAddresses[0] + rb);
        k.Set("struct vm_area_struct", VmaAddresses[1], "vm_rb.rb_right", VmaAddresses[2] + rb);
        k.Set("struct vm_area_struct", VmaAddresses[0], "vm_rb.__rb_parent_color", VmaAddresses[1] + rb);
        k.Set("struct vm_area_struct", VmaAddresses[2], "vm_rb.__rb_parent_color", VmaAddresses[1] + rb | 1);
        var walk = Vmas.ForEachVma(k.Object("struct mm_struct", MmAddress));
        walk.IsComplete.Should().BeTrue(walk.Problem);
        walk.Items.Select(v => v.Vma.Address).Should().Equal(VmaAddresses);
        RbTree.RbTrees.RbtreePostorder(k, MmAddress + k.Offset("struct mm_struct", "mm_rb"), 10).Items
            .Should().Equal(VmaAddresses[0] + rb, VmaAddresses[2] + rb, VmaAddresses[1] + rb);
        RbTree.RbTrees.RbNext(k, VmaAddresses[0] + rb).Should().Be(VmaAddresses[1] + rb);
        RbTree.RbTrees.RbNext(k, VmaAddresses[1] + rb).Should().Be(VmaAddresses[2] + rb);
        RbTree.RbTrees.RbNext(k, VmaAddresses[2] + rb).Should().Be(0);
    }

    [Fact]
    public void Atomic_rss_counters_before_percpu_counters()
    {
        var k = Kernel();
        long[] counts = [10, 20, 0, 5];
        for (int i = 0; i < 4; i++) k.Set("struct mm_struct", MmAddress, $"rss_stat.count[{i}].counter", (ulong)counts[i]);
        var counters = MmCounters.Of(k);
        counters.Kind.Should().Be(MmCounterKind.AtomicLong);
        counters.RssCounters.Should().Equal(MmCounters.FilePages, MmCounters.AnonPages, MmCounters.ShmemPages);
        var mm = k.Object("struct mm_struct", MmAddress);
        foreach (var (member, expected) in new[] { (MmCounters.FilePages, 10L), (MmCounters.AnonPages, 20L), (MmCounters.ShmemPages, 5L) })
        {
            counters.TryRead(mm, member, [], out var value, out var problem).Should().BeTrue(problem);
            value.Should().Be(expected);
        }
    }
}
