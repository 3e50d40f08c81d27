namespace DumpScope.Cli.Tests.Ubuntu;

/// <summary>
/// Ubuntu 20.04 (focal) 5.4.0-216-generic: no kallsyms in VMCOREINFO (searched for), BTF (focal's later kernels carry
/// it), slab fields in struct page, task_struct.state (before 5.14's __state), the printk log_buf of struct printk_log
/// records (before 5.10's lockless ring), a frame-pointer kernel, copy_thread's encoded first frame (5.9+ fix
/// backported); virtio_blk is a module.
/// </summary>
public sealed class U2004FixtureTests : UbuntuBtfKernelFixtureTests
{
    /// <inheritdoc />
    protected override string Folder => "u2004";
}
