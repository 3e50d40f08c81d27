namespace DumpScope.Sdk.Linux.Tests.Lists;

/// <summary>list_for_each, hlist/llist and NULL-terminated chains on synthetic memory: how each walk ends on bad links.</summary>
public sealed class KernelListsTests
{
    private const ulong Head = 0xffff_8880_0001_0000;
    private static readonly ulong[] Nodes = [0xffff_8880_0002_0000, 0xffff_8880_0002_1000, 0xffff_8880_0002_2000, 0xffff_8880_0002_3000];

    private static SyntheticMemory Linked()
    {
        var m = new SyntheticMemory();
        m.LinkList(Head, Nodes);
        return m;
    }

    [Fact]
    public void A_whole_list_is_walked_in_order_and_an_empty_one_is_complete()
    {
        var walk = KernelLists.ListForEach(Linked(), Head, 100);
        walk.IsComplete.Should().BeTrue(walk.Problem);
        walk.Items.Should().Equal(Nodes);

        var empty = new SyntheticMemory();
        empty.LinkList(Head);
        KernelLists.ListForEach(empty, Head, 100).Should().Match<WalkResult<ulong>>(w => w.IsComplete && w.Items.Count == 0);
    }

    [Fact]
    public void The_visitor_sees_each_node_before_its_next_pointer_is_read()
    {
        var m = Linked();
        var order = new List<string>();
        var memory = new FaultInjectingMemory(m);
        var walk = KernelLists.ListForEach(memory, Head, 100, node =>
        {
            order.Add($"visit {node:x}");
            // The visitor may change what the walk reads next: the walk must read the link after the visit.
            if (node == Nodes[1]) m.WriteU64(Nodes[1], Head);
        });
        walk.IsComplete.Should().BeTrue(walk.Problem);
        walk.Items.Should().Equal(Nodes[0], Nodes[1]);
        order.Should().Equal($"visit {Nodes[0]:x}", $"visit {Nodes[1]:x}");

        var broken = Linked();
        broken.WriteU64(Nodes[2], Nodes[1]);
        var seen = new List<ulong>();
        var cycle = KernelLists.ListForEach(broken, Head, 100, seen.Add);
        cycle.End.Should().Be(WalkEnd.Cycle);
        seen.Should().Equal(cycle.Items, "the visitor gets exactly the nodes the walk returns");
    }

    [Fact]
    public void A_loop_that_misses_the_head_ends_as_a_cycle_with_the_nodes_before_it()
    {
        var m = Linked();
        m.WriteU64(Nodes[2], Nodes[1]);
        var walk = KernelLists.ListForEach(m, Head, 100);
        walk.End.Should().Be(WalkEnd.Cycle);
        walk.Items.Should().Equal(Nodes[0], Nodes[1], Nodes[2]);
        walk.Problem.Should().Contain("loops back").And.Contain($"{Head:x}");
    }

    [Fact]
    public void A_null_or_user_space_link_is_corrupt()
    {
        foreach (var bad in new ulong[] { 0, 0x0000_7fff_1234_0000 })
        {
            var m = Linked();
            m.WriteU64(Nodes[1], bad);
            var walk = KernelLists.ListForEach(m, Head, 100);
            walk.End.Should().Be(WalkEnd.CorruptLink);
            walk.Items.Should().Equal(Nodes[0], Nodes[1]);
            walk.Problem.Should().Contain("not a kernel address");
        }
    }

    [Fact]
    public void The_bound_truncates_a_long_list_and_says_so()
    {
        var walk = KernelLists.ListForEach(Linked(), Head, 3);
        walk.End.Should().Be(WalkEnd.BoundReached);
        walk.Items.Should().Equal(Nodes[..3]);
        walk.Problem.Should().Contain("stopped after 3");
    }

    [Fact]
    public void A_node_in_an_excluded_page_ends_the_walk_as_a_fault_and_so_does_an_unreadable_head()
    {
        var m = Linked();
        m.Exclude(Nodes[2]);
        var walk = KernelLists.ListForEach(m, Head, 100);
        walk.End.Should().Be(WalkEnd.Fault);
        walk.Items.Should().Equal(Nodes[..3], "the node's address was read from its predecessor; its own next is what faulted");

        KernelLists.ListForEach(new SyntheticMemory(), Head, 100).End.Should().Be(WalkEnd.Fault);
    }

    [Fact]
    public void A_cancelled_walk_stops_with_what_it_has()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        var walk = KernelLists.ListForEach(Linked(), Head, 100, cancelled.Token);
        walk.End.Should().Be(WalkEnd.Cancelled);
        walk.Items.Should().BeEmpty();
    }

    [Fact]
    public void Hlist_and_llist_walks_follow_first_then_next_until_null()
    {
        var m = new SyntheticMemory();
        m.WriteU64(Head, Nodes[0]);
        m.WriteU64(Nodes[0], Nodes[1]);
        m.WriteU64(Nodes[1], 0);
        KernelLists.HlistForEach(m, Head, 10).Items.Should().Equal(Nodes[0], Nodes[1]);
        KernelLists.LlistForEach(m, Head, 10).Items.Should().Equal(Nodes[0], Nodes[1]);

        m.WriteU64(Nodes[1], Nodes[0]);
        var cycle = KernelLists.HlistForEach(m, Head, 10);
        cycle.End.Should().Be(WalkEnd.Cycle);
        cycle.Items.Should().Equal(Nodes[0], Nodes[1]);
    }

    [Fact]
    public void A_null_terminated_chain_decodes_each_stored_link_with_its_address()
    {
        // Links stored xor-ed with their own address, as hardened SLUB freelists store them.
        const ulong Next = 0x10;
        var m = new SyntheticMemory();
        for (int i = 0; i < Nodes.Length; i++)
        {
            ulong at = Nodes[i] + Next;
            m.WriteU64(at, (i + 1 < Nodes.Length ? Nodes[i + 1] : 0) ^ at);
        }
        var walk = KernelLists.NullTerminated(m, Nodes[0], Next, 10, (stored, at) => stored ^ at);
        walk.IsComplete.Should().BeTrue(walk.Problem);
        walk.Items.Should().Equal(Nodes);

        KernelLists.NullTerminated(m, Nodes[0], Next, 10).End.Should().Be(WalkEnd.CorruptLink, "undecoded, the links are garbage");
    }

    [Fact]
    public void List_for_each_entry_gives_the_containing_objects()
    {
        var kernel = new SyntheticKernel(SyntheticTypes.WithListTypes());
        kernel.Struct("struct item", ("id", kernel.T("unsigned long")), ("node", kernel.T("struct list_head")));
        ulong link = kernel.Offset("struct item", "node");
        kernel.Memory.LinkObjects(Head, link, Nodes);
        for (int i = 0; i < Nodes.Length; i++) kernel.Set("struct item", Nodes[i], "id", (ulong)i + 100);
        var walk = kernel.ListForEachEntry(Head, "struct item", "node", 10);
        walk.IsComplete.Should().BeTrue(walk.Problem);
        walk.Items.Select(o => o.Address).Should().Equal(Nodes);
        walk.Items.Select(o => o["id"].ReadUnsigned()).Should().Equal(100UL, 101UL, 102UL, 103UL);
    }
}
