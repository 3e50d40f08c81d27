using DumpScope.Host.Types.Btf;
using DumpScope.Sdk.Linux.MapleTree;

namespace DumpScope.Sdk.Linux.Tests.MapleTree;

/// <summary>
/// mt_for_each over a two-level maple tree as lib/maple_tree.c builds it: ma_root is the encoded root node with the
/// internal-entry tag (mte_mk_root: node | type &lt;&lt; 3 | 0x4 | 0x2); its slots hold encoded child nodes WITHOUT the
/// tag (mt_mk_node: node | type &lt;&lt; 3 | 0x4). Debian 7.3's irq descriptor tree (k73) has exactly this shape; a walker
/// that wanted the tag on every node stopped at the first child.
/// </summary>
public sealed class MapleTreesTests
{
    private const ulong Tree = 0xffff_8880_0100_0000, Root = 0xffff_8880_0101_0000, Leaf1 = 0xffff_8880_0101_0100, Leaf2 = 0xffff_8880_0101_0200;
    private const ulong A = 0xffff_8880_0200_0000, B = 0xffff_8880_0200_1000, C = 0xffff_8880_0200_2000;
    private const int Range64 = 2, Leaf64 = 1;

    private static SyntheticKernel Kernel()
    {
        var b = new BtfBuilder();
        var (u32, u64, _, _, voidp, _) = b.KernelBasics();
        int u8 = b.Int("unsigned char", 1, false);
        b.Enum("maple_type", 4, false, ("maple_dense", 0), ("maple_leaf_64", Leaf64), ("maple_range_64", Range64), ("maple_arange_64", 3));
        // 256-byte nodes: parent, 15 pivots, 16 slots; the metadata (end) overlays the last slot's low byte in the
        // kernel's union, here a member of its own at the same place.
        int meta = b.Struct("maple_metadata", 2, ("end", u8, 0, 0), ("gap", u8, 8, 0));
        int range = b.Struct("maple_range_64", 256, ("parent", voidp, 0, 0), ("pivot", b.Array(u64, u32, 15), 64, 0),
            ("slot", b.Array(voidp, u32, 16), 1024, 0), ("meta", meta, 1984, 0));
        b.Struct("maple_arange_64", 256, ("parent", voidp, 0, 0), ("pivot", b.Array(u64, u32, 9), 64, 0),
            ("slot", b.Array(voidp, u32, 10), 640, 0), ("gap", b.Array(u64, u32, 10), 1280, 0), ("meta", meta, 1920, 0));
        b.Struct("maple_node", 256, ("mr64", range, 0, 0));
        b.Struct("maple_tree", 16, ("ma_lock", u32, 0, 0), ("ma_flags", u32, 32, 0), ("ma_root", voidp, 64, 0));
        var k = new SyntheticKernel(BtfTypeCatalog.FromBytes(b.Build(), "maple types"));
        var m = k.Memory;
        m.Write(Tree, new byte[16]);
        foreach (var node in new[] { Root, Leaf1, Leaf2 }) m.Write(node, new byte[256]);
        m.WriteU64(Tree + 8, Root | Range64 << 3 | 0x4 | 0x2);
        // root: [0, 0xfff] -> Leaf1, (0xfff, max] -> Leaf2; pivot[0] = 0xfff, end = 1
        m.WriteU64(Root, Tree | 1);
        m.WriteU64(Root + 8, 0xfff);
        m.WriteU64(Root + 128, Leaf1 | (ulong)Leaf64 << 3 | 0x4);
        m.WriteU64(Root + 136, Leaf2 | (ulong)Leaf64 << 3 | 0x4);
        m.Write(Root + 248, [1]);
        // Leaf1: [0, 9] -> A, [10, 0xfff] empty; Leaf2: (0xfff, 0x1fff] -> B, (0x1fff, 0x2fff] -> C, rest empty
        m.WriteU64(Leaf1, Root | 0x10);
        m.WriteU64(Leaf1 + 8, 9);
        m.WriteU64(Leaf1 + 128, A);
        m.Write(Leaf1 + 248, [1]);
        m.WriteU64(Leaf2, Root | 0x18);
        m.WriteU64(Leaf2 + 8, 0x1fff);
        m.WriteU64(Leaf2 + 16, 0x2fff);
        m.WriteU64(Leaf2 + 128, B);
        m.WriteU64(Leaf2 + 136, C);
        m.Write(Leaf2 + 248, [2]);
        return k;
    }

    [Fact]
    public void Children_of_the_root_are_nodes_without_the_internal_entry_tag()
    {
        var k = Kernel();
        var walk = MapleTrees.MtForEach(k.Object("struct maple_tree", Tree), 16);
        walk.IsComplete.Should().BeTrue(walk.Problem);
        walk.Items.Select(e => (e.First, e.Last, e.Entry)).Should().Equal((0UL, 9UL, A), (0x1000UL, 0x1fffUL, B), (0x2000UL, 0x2fffUL, C));
    }

    [Fact]
    public void A_child_slot_with_the_tag_bits_is_corrupt_not_a_node()
    {
        var k = Kernel();
        k.Memory.WriteU64(Root + 136, Leaf2 | 0x2);
        var walk = MapleTrees.MtForEach(k.Object("struct maple_tree", Tree), 16);
        walk.IsComplete.Should().BeFalse();
        walk.Problem.Should().Contain("not a node");
        walk.Items.Select(e => e.Entry).Should().Equal(A);
    }
}
