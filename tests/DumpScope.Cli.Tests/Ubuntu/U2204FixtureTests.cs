namespace DumpScope.Cli.Tests.Ubuntu;

/// <summary>
/// Ubuntu 22.04 (jammy) 5.15.0-204-generic: no kallsyms in VMCOREINFO (before 6.0: the tables are found by searching
/// the image), BTF, SLUB slab fields in struct page (before 5.17), kmem_cache_cpu.page, a frame-pointer kernel, the
/// mmap list and atomic rss counters, task_struct.__state, the lockless printk ring; virtio_blk is a module.
/// </summary>
public sealed class U2204FixtureTests : UbuntuBtfKernelFixtureTests
{
    /// <inheritdoc />
    protected override string Folder => "u2204";
}
