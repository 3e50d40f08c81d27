namespace DumpScope.Host.Tests.Types;

/// <summary>The SDK's typed views and walkers driven by BTF types over fake memory.</summary>
public class KernelObjectBtfTests
{
    private const ulong Page = 0xffff888004000000UL;

    private static SyntheticKernel Kernel() => new(ReferenceTypes.Debian61, nrCpuIds: 2, nrNodeIds: 1);

    private static ulong Offset(SyntheticKernel kernel, string type, string path) => kernel.Types.Require(type).FindMember(path).Offset;

    [Fact]
    public void Bitfields_read_through_anonymous_members()
    {
        var kernel = Kernel();
        kernel.Memory.Write(Page, new byte[64]);
        kernel.Memory.WriteU32(Page + 40, (1u << 31) | (17u << 16) | 9u);
        var slab = kernel.Object("struct slab", Page);
        slab["inuse"].ReadUnsigned().Should().Be(9);
        slab["objects"].ReadUnsigned().Should().Be(17);
        slab["frozen"].ReadUnsigned().Should().Be(1);
        slab["counters"].ReadUnsigned().Should().Be((1UL << 31) | (17UL << 16) | 9UL);

        // printk_info: u8 flags:5, level:3 share byte 19.
        kernel.Memory.Write(Page + 0x100, new byte[88]);
        kernel.Memory.Write(Page + 0x100 + 19, [(byte)((6 << 5) | 0x11)]);
        var info = kernel.Object("struct printk_info", Page + 0x100);
        info["flags"].ReadUnsigned().Should().Be(0x11);
        info["level"].ReadUnsigned().Should().Be(6);
    }

    [Fact]
    public void Enums_signed_and_unsigned_map_to_their_names()
    {
        var kernel = Kernel();
        kernel.Memory.Write(Page, new byte[0x400]);
        kernel.Memory.WriteU32(Page, 2);
        kernel.Object("struct module", Page)["state"].EnumName().Should().Be("MODULE_STATE_GOING");

        ulong state = Offset(kernel, "struct perf_event", "state");
        kernel.Memory.WriteU32(Page + 0x200 + state, unchecked((uint)-4));
        var member = kernel.Object("struct perf_event", Page + 0x200)["state"];
        member.ReadInteger().Should().Be(-4);
        member.EnumName().Should().Be("PERF_EVENT_STATE_DEAD");
    }

    [Fact]
    public void Char_arrays_and_char_pointers_read_as_strings()
    {
        var kernel = Kernel();
        ulong task = Page + 0x1000;
        kernel.Memory.Write(task, new byte[9728]);
        kernel.Memory.Write(task + Offset(kernel, "struct task_struct", "comm"), Encoding.ASCII.GetBytes("worker-alpha\0"));
        kernel.Memory.WriteU32(task + Offset(kernel, "struct task_struct", "pid"), 42);
        var obj = kernel.Object("struct task_struct", task).Load();
        obj["comm"].ReadString().Should().Be("worker-alpha");
        obj["pid"].ReadInteger().Should().Be(42);

        kernel.Memory.Write(Page, new byte[300]);
        kernel.Memory.WriteU64(Page + 96, Page + 0x800);
        kernel.Memory.Write(Page + 0x800, Encoding.ASCII.GetBytes("kmalloc-96\0"));
        kernel.Object("struct kmem_cache", Page)["name"].ReadString().Should().Be("kmalloc-96");
    }

    [Fact]
    public void Load_reads_no_more_than_the_registered_runtime_size()
    {
        var kernel = Kernel();
        ulong at = Page + 0xf20; // the live 224 bytes end exactly at the page end; node[1] is on the next page
        kernel.Memory.Write(at, new byte[224]);
        kernel.Memory.WriteU64(at + 216, 0xffff888004100000UL);
        kernel.Memory.Exclude(Page + 0x1000);
        kernel.RuntimeSizes.Register(new RuntimeSize("struct kmem_cache", 224, "test"));
        var cache = kernel.Object("kmem_cache", at);
        cache.Size.Should().Be(224);
        kernel.Memory.Reads.Clear();
        var loaded = cache.Load();
        kernel.Memory.Reads.Should().ContainSingle().Which.Should().Be((at, 224));
        loaded["node[0]"].ReadPointer().Should().Be(0xffff888004100000UL);
        kernel.Memory.Reads.Should().ContainSingle("members inside the live object come from the loaded copy");
        var beyond = () => loaded["node[1]"].ReadPointer();
        beyond.Should().Throw<MemoryFaultException>().Which.Fault.Kind.Should().Be(MemoryFaultKind.Excluded);
    }

    [Fact]
    public void List_for_each_entry_walks_kmem_caches_and_container_of_finds_them()
    {
        var kernel = Kernel();
        ulong head = Page + 0x3000;
        ulong listOffset = Offset(kernel, "struct kmem_cache", "list");
        ulong[] caches = [Page + 0x100, Page + 0x400, Page + 0x700];
        string[] names = ["kmalloc-64", "dentry", "shmem_inode_cache"];
        for (int i = 0; i < caches.Length; i++)
        {
            kernel.Memory.Write(caches[i], new byte[224]);
            ulong node = caches[i] + listOffset;
            kernel.Memory.WriteU64(node, i + 1 < caches.Length ? caches[i + 1] + listOffset : head);
            kernel.Memory.WriteU64(node + 8, i > 0 ? caches[i - 1] + listOffset : head);
            kernel.Memory.WriteU64(caches[i] + 96, Page + 0x2000 + (ulong)i * 64);
            kernel.Memory.Write(Page + 0x2000 + (ulong)i * 64, Encoding.ASCII.GetBytes(names[i] + "\0"));
        }
        kernel.Memory.WriteU64(head, caches[0] + listOffset);
        kernel.Memory.WriteU64(head + 8, caches[^1] + listOffset);

        var walk = kernel.ListForEachEntry(head, "struct kmem_cache", "list", bound: 100);
        walk.End.Should().Be(WalkEnd.Completed);
        walk.Items.Select(o => o.Address).Should().Equal(caches);
        walk.Items.Select(o => o["name"].ReadString()).Should().Equal(names);
        KernelObject.ContainerOf(kernel, caches[1] + listOffset, "struct kmem_cache", "list").Address.Should().Be(caches[1]);
    }

    [Fact]
    public void A_list_that_loops_without_returning_to_its_head_ends_as_a_cycle()
    {
        var kernel = Kernel();
        ulong head = Page + 0x3000, a = Page + 0x100, b = Page + 0x200, c = Page + 0x300;
        kernel.Memory.WriteU64(head, a);
        kernel.Memory.WriteU64(a, b);
        kernel.Memory.WriteU64(b, c);
        kernel.Memory.WriteU64(c, b); // corrupted: back into the list, never to the head
        var walk = KernelLists.ListForEach(kernel.Memory, head, bound: 1000);
        walk.End.Should().Be(WalkEnd.Cycle);
        walk.Items.Should().Equal(a, b, c);
        walk.Problem.Should().Contain("loops back");

        var typed = kernel.ListForEachEntry(head, "struct list_head", "next", bound: 1000);
        typed.End.Should().Be(WalkEnd.Cycle);
        typed.Items.Should().HaveCount(3);
    }

    [Fact]
    public void A_list_node_on_an_excluded_page_ends_the_walk_with_the_fault()
    {
        var kernel = Kernel();
        ulong head = Page + 0x100, a = Page + 0x200, b = Page + 0x5000;
        kernel.Memory.WriteU64(head, a);
        kernel.Memory.WriteU64(a, b);
        kernel.Memory.Exclude(b);
        var walk = KernelLists.ListForEach(kernel.Memory, head, bound: 10);
        walk.End.Should().Be(WalkEnd.Fault);
        walk.Items.Should().Equal(a, b);
        walk.Problem.Should().Contain("page excluded").And.Contain($"{b:x}");
    }

    [Fact]
    public void A_per_cpu_variable_is_typed_from_btf()
    {
        var kernel = Kernel();
        kernel.Symbols.Add("runqueues", 0x31980);
        ulong cpu1 = kernel.PerCpuPtr(0x31980, 1);
        ulong idle = Page + 0x1000;
        kernel.Memory.Write(cpu1, new byte[3264]);
        kernel.Memory.WriteU64(cpu1 + Offset(kernel, "struct rq", "idle"), idle);
        kernel.Memory.Write(idle, new byte[9728]);
        kernel.Memory.Write(idle + Offset(kernel, "struct task_struct", "comm"), Encoding.ASCII.GetBytes("swapper/1\0"));

        var runqueues = kernel.Global("runqueues");
        runqueues.TypeName.Should().Be("struct rq");
        var rq = kernel.PerCpu(runqueues.Type, runqueues.Address, 1);
        rq["idle"].Deref()["comm"].ReadString().Should().Be("swapper/1");
        rq["idle"].Deref().TypeName.Should().Be("struct task_struct");
    }
}
