namespace DumpScope.Cli.Tests.Ubuntu;

/// <summary>
/// Ubuntu 24.04 (noble) 6.8.0-151-generic: kallsyms named by VMCOREINFO, BTF, struct slab, a frame-pointer kernel
/// (CONFIG_UNWINDER_FRAME_POINTER, no ORC tables), the maple tree, percpu rss counters, the lockless printk ring.
/// </summary>
public sealed class U2404FixtureTests : UbuntuBtfKernelFixtureTests
{
    /// <inheritdoc />
    protected override string Folder => "u2404";
}
