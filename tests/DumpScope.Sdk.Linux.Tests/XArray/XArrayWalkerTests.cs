using DumpScope.Sdk.Linux.XArray;

namespace DumpScope.Sdk.Linux.Tests.XArray;

/// <summary>
/// The generic XArray walk on trees built byte by byte with the fixture kernel's own struct xarray / xa_node
/// layout, and on a pre-4.20 radix tree (node tag 1) built with test types.
/// </summary>
public sealed class XArrayWalkerTests
{
    private const ulong Root = 0xffff_8880_0000_1000;
    private const ulong Top = 0xffff_8880_0001_0000;
    private const ulong LeafA = 0xffff_8880_0002_0000;
    private const ulong LeafB = 0xffff_8880_0003_0000;

    private static SyntheticKernel Kernel() => new(ReferenceTypes.Debian61);

    private static ulong Slots(SyntheticKernel k) => k.Types.Require("struct xa_node").Resolve().FindMember("slots").Offset;

    private static ulong Shift(SyntheticKernel k) => k.Types.Require("struct xa_node").Resolve().FindMember("shift").Offset;

    private static void Node(SyntheticKernel k, ulong node, byte shift, params (int Slot, ulong Entry)[] slots)
    {
        k.Memory.Write(node, new byte[(int)k.Types.Require("struct xa_node").Size]);
        k.Memory.WriteU8(node + Shift(k), shift);
        foreach (var (slot, entry) in slots) k.Memory.WriteU64(node + Slots(k) + (ulong)slot * 8, entry);
    }

    private static WalkResult<XArrayEntry> Walk(SyntheticKernel k, int bound = 1000)
    {
        var xarray = k.Types.Require("struct xarray");
        return XArrays.XaForEach(new KernelObject(k, xarray, Root), bound);
    }

    private static void Head(SyntheticKernel k, ulong head) =>
        k.Memory.WriteU64(Root + k.Types.Require("struct xarray").Resolve().FindMember("xa_head").Offset, head);

    private static ulong P(int n) => 0xffff_8881_0000_0000UL + (ulong)n * 0x100;

    [Fact]
    public void An_empty_array_and_a_single_entry_at_the_head()
    {
        var k = Kernel();
        Head(k, 0);
        Walk(k).Items.Should().BeEmpty();
        Head(k, P(1));
        var walk = Walk(k);
        walk.IsComplete.Should().BeTrue();
        walk.Items.Should().Equal(new XArrayEntry(0, P(1)));
    }

    [Fact]
    public void A_two_level_tree_yields_entries_by_index_and_skips_internal_entries()
    {
        var k = Kernel();
        Head(k, Top | 2);
        Node(k, Top, 6, (0, LeafA | 2), (2, LeafB | 2));
        // Leaf A: pointers at 1 and 5, a sibling entry (xa_mk_sibling(5) = 5 << 2 | 2), the retry entry
        // (xa_mk_internal(256)) and the zero entry (xa_mk_internal(257)): internal entries carry no data.
        Node(k, LeafA, 0, (1, P(1)), (5, P(5)), (6, 5 << 2 | 2), (7, 256 << 2 | 2), (8, 257 << 2 | 2));
        // Leaf B: a value entry (odd) is data too; the caller decides what to make of it.
        Node(k, LeafB, 0, (0, P(128)), (3, 7 << 1 | 1), (63, P(191)));

        var walk = Walk(k);
        walk.IsComplete.Should().BeTrue(walk.Problem);
        walk.Items.Should().Equal(
            new XArrayEntry(1, P(1)), new XArrayEntry(5, P(5)), new XArrayEntry(128, P(128)), new XArrayEntry(131, 15), new XArrayEntry(191, P(191)));
    }

    [Fact]
    public void A_three_level_tree_adds_each_levels_slot_shifted_by_its_shift()
    {
        var k = Kernel();
        const ulong Mid = 0xffff_8880_0005_0000;
        Head(k, Top | 2);
        Node(k, Top, 12, (0, LeafB | 2), (1, Mid | 2));
        Node(k, Mid, 6, (2, LeafA | 2));
        Node(k, LeafA, 0, (3, P(3)), (63, P(63)));
        Node(k, LeafB, 6, (0, 0xffff_8880_0006_0000UL | 2));
        Node(k, 0xffff_8880_0006_0000UL, 0, (7, P(7)));

        var walk = Walk(k);
        walk.IsComplete.Should().BeTrue(walk.Problem);
        // index = 1 << 12 + 2 << 6 + slot under Mid; 0 + 0 + 7 under the first subtree.
        walk.Items.Should().Equal(new XArrayEntry(7, P(7)), new XArrayEntry(4096 + 128 + 3, P(3)), new XArrayEntry(4096 + 128 + 63, P(63)));
    }

    [Fact]
    public void A_node_reached_twice_is_walked_once_and_reported()
    {
        var k = Kernel();
        Head(k, Top | 2);
        Node(k, Top, 6, (0, LeafA | 2), (1, LeafA | 2), (2, Top | 2));
        Node(k, LeafA, 0, (4, P(4)));
        var walk = Walk(k);
        walk.End.Should().BeOneOf(WalkEnd.Cycle, WalkEnd.CorruptLink);
        walk.Problem.Should().NotBeNull();
        walk.Items.Should().Equal(new XArrayEntry(4, P(4)));
    }

    [Fact]
    public void A_node_with_an_impossible_shift_or_in_an_excluded_page_is_skipped_and_the_rest_walked()
    {
        var k = Kernel();
        Head(k, Top | 2);
        Node(k, Top, 6, (0, LeafA | 2), (1, LeafB | 2), (2, 0xffff_8880_0004_0000UL | 2));
        Node(k, LeafA, 12, (0, P(0)));
        Node(k, LeafB, 0, (2, P(66)));
        k.Memory.Exclude(0xffff_8880_0004_0000UL);
        var walk = Walk(k);
        walk.End.Should().Be(WalkEnd.CorruptLink);
        walk.Problem.Should().Contain("shift 12 is impossible (expected 0)");
        walk.Items.Should().Equal(new XArrayEntry(66, P(66)));
    }

    [Fact]
    public void A_node_pointer_at_shift_0_is_corrupt_and_the_bound_stops_the_walk()
    {
        var k = Kernel();
        Head(k, LeafA | 2);
        Node(k, LeafA, 0, (0, P(0)), (1, LeafA | 2), (2, P(2)), (3, P(3)));
        var walk = Walk(k);
        walk.Problem.Should().Contain("a node pointer at shift 0");
        walk.Items.Select(e => e.Index).Should().Equal(0UL, 2UL, 3UL);
        var bounded = Walk(k, bound: 2);
        bounded.End.Should().Be(WalkEnd.BoundReached);
        bounded.Items.Should().HaveCount(2);
    }

    [Fact]
    public void A_radix_tree_before_4_20_tags_nodes_with_1_and_its_siblings_point_into_the_node()
    {
        var pointer = new PointerType(new IntegerType("void", 1, false));
        var node = new SyntheticStruct("radix_tree_node", 576);
        node.Add("shift", new IntegerType("unsigned char", 1, false), 0)
            .Add("slots", new ArrayType(pointer, 64), 40);
        var root = new SyntheticStruct("radix_tree_root", 16).Add("rnode", new PointerType(node), 8);
        var k = new SyntheticKernel(new SyntheticTypes(node, root));
        k.Memory.WriteU64(Root + 8, Top | 1);
        k.Memory.Write(Top, new byte[576]);
        k.Memory.WriteU8(Top, 6);
        k.Memory.WriteU64(Top + 40 + 1 * 8, LeafA | 1);
        k.Memory.Write(LeafA, new byte[576]);
        k.Memory.WriteU64(LeafA + 40 + 0 * 8, P(64));
        // A sibling: a tagged pointer to slot 0 of the same node (multi-order entries before 4.20).
        k.Memory.WriteU64(LeafA + 40 + 1 * 8, (LeafA + 40) | 1);
        k.Memory.WriteU64(LeafA + 40 + 9 * 8, P(73));

        var walk = XArrays.XaForEach(new KernelObject(k, root, Root), 100);
        walk.IsComplete.Should().BeTrue(walk.Problem);
        walk.Items.Should().Equal(new XArrayEntry(64, P(64)), new XArrayEntry(73, P(73)));
    }
}
