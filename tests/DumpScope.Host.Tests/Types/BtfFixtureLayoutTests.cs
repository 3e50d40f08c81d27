namespace DumpScope.Host.Tests.Types;

/// <summary>
/// Layouts read from the fixture kernel's BTF. The expected numbers were taken with
/// <c>pahole -F btf vmlinux.btf -C TYPE</c> (dwarves 1.24), a reader independent of ours.
/// </summary>
public class BtfFixtureLayoutTests
{
    private static KernelType Type(string name) =>
        FixtureBtf.Catalog.FindType(name) ?? throw new Xunit.Sdk.XunitException($"{name} not found");

    private static void Offset(string type, string path, ulong offset) =>
        Type(type).FindMember(path).Offset.Should().Be(offset, $"pahole puts {type}.{path} at {offset}");

    [SkippableFact]
    public void Loads_every_type_of_the_kernel()
    {
        var catalog = FixtureBtf.Catalog;
        // The type section of this kernel holds 95,246 records (counted by a separate walk of the section).
        catalog.TypeCount.Should().Be(95246);
        catalog.DataLength.Should().Be(4119994);
        catalog.Source.Should().Contain("vmlinux.btf").And.Contain("4119994 bytes");
    }

    [SkippableTheory]
    [InlineData("struct task_struct", 9728)]
    [InlineData("struct kmem_cache", 8408)]
    [InlineData("struct slab", 64)]
    [InlineData("struct page", 64)]
    [InlineData("struct kmem_cache_cpu", 32)]
    [InlineData("struct kmem_cache_node", 64)]
    [InlineData("struct mm_struct", 1096)]
    [InlineData("struct list_head", 16)]
    [InlineData("struct pid", 96)]
    [InlineData("struct upid", 16)]
    [InlineData("struct cpumask", 1024)]
    [InlineData("struct printk_info", 88)]
    [InlineData("struct prb_desc", 24)]
    [InlineData("struct dev_printk_info", 64)]
    [InlineData("struct kobject", 64)]
    [InlineData("struct rq", 3264)]
    [InlineData("struct kmem_cache_order_objects", 4)]
    public void Struct_sizes_match_pahole(string name, ulong size)
    {
        var type = Type(name);
        type.Kind.Should().Be(TypeKind.Struct);
        type.Size.Should().Be(size);
    }

    [SkippableFact]
    public void Kmem_cache_members_match_pahole()
    {
        Offset("struct kmem_cache", "cpu_slab", 0);
        Offset("struct kmem_cache", "flags", 8);
        Offset("struct kmem_cache", "min_partial", 16);
        Offset("struct kmem_cache", "size", 24);
        Offset("struct kmem_cache", "object_size", 28);
        Offset("struct kmem_cache", "offset", 40);
        Offset("struct kmem_cache", "oo", 52);
        Offset("struct kmem_cache", "oo.x", 52);
        Offset("struct kmem_cache", "ctor", 72);
        Offset("struct kmem_cache", "name", 96);
        Offset("struct kmem_cache", "list", 104);
        Offset("struct kmem_cache", "list.prev", 112);
        Offset("struct kmem_cache", "kobj", 120);
        Offset("struct kmem_cache", "random", 184);
        Offset("struct kmem_cache", "random_seq", 200);
        Offset("struct kmem_cache", "usersize", 212);
        Offset("struct kmem_cache", "node", 216);
        Offset("struct kmem_cache", "node[1]", 224);

        var node = Type("struct kmem_cache").FindMember("node").Type;
        node.Kind.Should().Be(TypeKind.Array);
        node.ArrayLength.Should().Be(1024);
        node.Size.Should().Be(8192);
        node.DisplayName.Should().Be("struct kmem_cache_node *[1024]");
        Type("struct kmem_cache").FindMember("name").Type.DisplayName.Should().Be("const char *");
        Type("struct kmem_cache").FindMember("ctor").Type.DisplayName.Should().Be("void (*)(void *)");
        Type("struct kmem_cache").FindMember("flags").Type.DisplayName.Should().Be("slab_flags_t");
        Type("struct kmem_cache").Members.Should().HaveCount(26);
    }

    [SkippableFact]
    public void Task_struct_members_match_pahole()
    {
        Offset("struct task_struct", "__state", 24);
        Offset("struct task_struct", "stack", 32);
        Offset("struct task_struct", "on_cpu", 52);
        Offset("struct task_struct", "se", 128);
        Offset("struct task_struct", "tasks", 2192);
        Offset("struct task_struct", "mm", 2272);
        Offset("struct task_struct", "active_mm", 2280);
        Offset("struct task_struct", "exit_state", 2308);
        Offset("struct task_struct", "pid", 2416);
        Offset("struct task_struct", "tgid", 2420);
        Offset("struct task_struct", "real_parent", 2432);
        Offset("struct task_struct", "group_leader", 2480);
        Offset("struct task_struct", "thread_pid", 2520);
        Offset("struct task_struct", "pid_links", 2528);
        Offset("struct task_struct", "thread_node", 2608);
        Offset("struct task_struct", "cred", 2960);
        Offset("struct task_struct", "comm", 2976);
        Offset("struct task_struct", "signal", 3072);
        Offset("struct task_struct", "thread", 5312);
        Type("struct task_struct").FindMember("comm").Type.DisplayName.Should().Be("char [16]");
        Type("struct task_struct").FindMember("cred").Type.DisplayName.Should().Be("const struct cred *");
        Type("struct task_struct").Members.Should().HaveCount(244);
    }

    [SkippableFact]
    public void Task_struct_bitfields_match_pahole()
    {
        // pahole: sched_reset_on_fork:1 at 2340:0, sched_task_hot:1 at 2340:3, after ":0" in_execve:1 at 2344:2.
        var onFork = Type("struct task_struct").FindMember("sched_reset_on_fork");
        onFork.BitOffset.Should().Be(2340 * 8);
        onFork.BitSize.Should().Be(1);
        Type("struct task_struct").FindMember("sched_task_hot").BitOffset.Should().Be(2340 * 8 + 3);
        Type("struct task_struct").FindMember("in_execve").BitOffset.Should().Be(2344 * 8 + 2);
    }

    [SkippableFact]
    public void Slab_bitfields_inside_an_anonymous_union_match_pahole()
    {
        var slab = Type("struct slab");
        Offset("struct slab", "slab_cache", 24);
        Offset("struct slab", "freelist", 32);
        Offset("struct slab", "counters", 40);
        Offset("struct slab", "slab_list", 8);
        Offset("struct slab", "next", 8);
        Offset("struct slab", "slabs", 16);
        Offset("struct slab", "__page_refcount", 52);

        var inuse = slab.FindMember("inuse");
        (inuse.BitOffset, inuse.BitSize).Should().Be((40UL * 8, 16U));
        var objects = slab.FindMember("objects");
        (objects.BitOffset, objects.BitSize).Should().Be((40UL * 8 + 16, 15U));
        var frozen = slab.FindMember("frozen");
        (frozen.BitOffset, frozen.BitSize).Should().Be((40UL * 8 + 31, 1U));
        inuse.Type.DisplayName.Should().Be("unsigned int");

        // The anonymous members themselves: the second union at 40 holds counters and an anonymous struct.
        var unions = slab.Members.Where(m => m.Name.Length == 0).ToArray();
        unions.Should().HaveCount(2);
        unions.Select(m => m.Offset).Should().Equal(8UL, 40UL);
        unions.Should().OnlyContain(m => m.Type.Kind == TypeKind.Union);
    }

    [SkippableFact]
    public void Page_members_nested_in_anonymous_unions_and_structs_match_pahole()
    {
        Offset("struct page", "flags", 0);
        Offset("struct page", "lru", 8);
        Offset("struct page", "mlock_count", 16);
        Offset("struct page", "mapping", 24);
        Offset("struct page", "index", 32);
        Offset("struct page", "private", 40);
        Offset("struct page", "pp", 16);
        Offset("struct page", "pp_frag_count", 40);
        Offset("struct page", "compound_head", 8);
        Offset("struct page", "compound_dtor", 16);
        Offset("struct page", "compound_order", 17);
        Offset("struct page", "compound_nr", 28);
        Offset("struct page", "deferred_list", 24);
        Offset("struct page", "pt_mm", 32);
        Offset("struct page", "ptl", 40);
        Offset("struct page", "zone_device_data", 16);
        Offset("struct page", "callback_head", 8);
        Offset("struct page", "_mapcount", 48);
        Offset("struct page", "page_type", 48);
        Offset("struct page", "_refcount", 52);
        Offset("struct page", "memcg_data", 56);
        Offset("struct page", "lru.prev", 16);
    }

    [SkippableFact]
    public void Small_structs_match_pahole()
    {
        Offset("struct pid", "level", 4);
        Offset("struct pid", "tasks", 16);
        Offset("struct pid", "tasks[1]", 24);
        Offset("struct pid", "inodes", 48);
        Offset("struct pid", "wait_pidfd", 56);
        Offset("struct pid", "rcu", 80);
        Offset("struct pid", "numbers", 96);
        Offset("struct pid", "numbers[1].ns", 120);
        var numbers = Type("struct pid").FindMember("numbers").Type;
        numbers.ArrayLength.Should().Be(0, "numbers[] is a flexible array member");
        numbers.Size.Should().Be(0);

        Offset("struct upid", "ns", 8);
        Type("struct cpumask").FindMember("bits").Type.ArrayLength.Should().Be(128);
        Offset("struct kmem_cache_cpu", "tid", 8);
        Offset("struct kmem_cache_cpu", "slab", 16);
        Offset("struct kmem_cache_cpu", "partial", 24);
        Offset("struct kmem_cache_cpu", "lock", 32);
        Type("struct kmem_cache_cpu").FindMember("lock").Type.Size.Should().Be(0, "local_lock_t is empty without lock debugging");
        Type("struct kmem_cache_cpu").FindMember("freelist").Type.DisplayName.Should().Be("void **");
        Offset("struct kmem_cache_node", "nr_partial", 8);
        Offset("struct kmem_cache_node", "partial", 16);
        Offset("struct kmem_cache_node", "nr_slabs", 32);
        Offset("struct kmem_cache_node", "total_objects", 40);
        Offset("struct kmem_cache_node", "full", 48);
        Offset("struct prb_desc", "text_blk_lpos", 8);
        Offset("struct printk_info", "caller_id", 20);
        Offset("struct printk_info", "dev_info.device", 40);
        Offset("struct mm_struct", "mmap_base", 32);
        Offset("struct mm_struct", "task_size", 64);
        Offset("struct mm_struct", "pgd", 72);
        Offset("struct mm_struct", "mm_users", 84);
        Offset("struct mm_struct", "mm_count", 88);
        Offset("struct mm_struct", "start_code", 256);
        Offset("struct mm_struct", "arg_start", 312);
        Offset("struct mm_struct", "rss_stat", 728);
        Offset("struct mm_struct", "owner", 928);
        Offset("struct rq", "curr", 2400);
        Offset("struct rq", "idle", 2408);
        Offset("struct kobject", "kref", 56);
    }

    [SkippableFact]
    public void Printk_info_bitfields_on_u8_match_pahole()
    {
        var flags = Type("struct printk_info").FindMember("flags");
        (flags.BitOffset, flags.BitSize).Should().Be((19UL * 8, 5U));
        var level = Type("struct printk_info").FindMember("level");
        (level.BitOffset, level.BitSize).Should().Be((19UL * 8 + 5, 3U));
        level.Type.DisplayName.Should().Be("u8");
        level.Type.Resolve().DisplayName.Should().Be("unsigned char");
    }

    [SkippableFact]
    public void Every_offset_and_size_in_the_dump_vmcoreinfo_agrees()
    {
        // VMCOREINFO is written by the kernel itself from its compiler's offsetof/sizeof: a second independent truth.
        var info = DumpScope.Sdk.Dumps.VmcoreInfo.Parse(File.ReadAllText(DumpScope.Testing.Fixtures.Require("kd1/vmcoreinfo.txt")));
        var lines = File.ReadAllLines(DumpScope.Testing.Fixtures.Require("kd1/vmcoreinfo.txt"));
        int checkedCount = 0;
        foreach (var line in lines)
        {
            var m = System.Text.RegularExpressions.Regex.Match(line, @"^(OFFSET|SIZE)\(([^)]+)\)=(\d+)$");
            if (!m.Success) continue;
            ulong expected = ulong.Parse(m.Groups[3].Value);
            if (m.Groups[1].Value == "SIZE")
            {
                Type(m.Groups[2].Value).Size.Should().Be(expected, line);
            }
            else
            {
                var text = m.Groups[2].Value;
                int dot = text.IndexOf('.');
                Type(text[..dot]).FindMember(text[(dot + 1)..]).Offset.Should().Be(expected, line);
            }
            checkedCount++;
        }
        info.TryGetSize("printk_info", out var printkInfo).Should().BeTrue();
        printkInfo.Should().Be(88);
        checkedCount.Should().BeGreaterThan(50);
    }
}
