using DumpScope.Host.Commands.Builtins;
using DumpScope.Host.Kernel;
using DumpScope.Host.Types.Btf;
using Microsoft.Extensions.DependencyInjection;

namespace DumpScope.Host.Tests.Kernel;

/// <summary>The host's kernel features (how kallsyms, types and page tables were found) on the real dumps, and dumpinfo's listing.</summary>
public class KernelFeaturesFixtureTests
{
    private static KernelFeature Feature(IKernel kernel, string name) => kernel.Features.All.Single(f => f.Name == name);

    [SkippableFact]
    public void K510_opens_from_the_dump_alone_and_says_kallsyms_was_searched_for()
    {
        using var dump = DumpOpener.Open(Fixtures.K510Zlib);
        // As the session does: the types from the BTF that kallsyms' __start_BTF/__stop_BTF delimit.
        var kernel = KernelLoader.Open(dump, new KernelOpenOptions
        {
            TypeCatalogFactory = (memory, symbols) => symbols.TryGetAddress("__start_BTF", out var start) && symbols.TryGetAddress("__stop_BTF", out var stop)
                ? BtfTypeCatalog.FromMemory(memory, start, stop)
                : throw new InvalidOperationException("kallsyms lacks __start_BTF/__stop_BTF"),
        });
        kernel.Symbols.Source.Should().StartWith("kallsyms in dump");
        kernel.FactNotes.Should().Contain(n => n.StartsWith("kallsyms: VMCOREINFO names no kallsyms table (a kernel before 6.0); ", StringComparison.Ordinal));
        Feature(kernel, KernelFeatureNames.Kallsyms).Value.Should().MatchRegex(@"^\d+ symbols, found by searching the kernel image$");
        Feature(kernel, KernelFeatureNames.Kallsyms).HowProbed.Should().Contain("CONFIG_KALLSYMS_ABSOLUTE_PERCPU").And.Contain("confirmed by 9 VMCOREINFO symbols");
        // 5.10 has CONFIG_DEBUG_INFO_BTF: with kallsyms, __start_BTF/__stop_BTF give the types as on 6.1.
        var btf = new FileInfo(Fixtures.Require("k510/kernel/vmlinux.btf")).Length;
        Feature(kernel, KernelFeatureNames.Types).Value.Should().Be($"BTF in dump memory ({btf} bytes)");
        Feature(kernel, KernelFeatureNames.Types).HowProbed.Should().Contain("located by kallsyms in dump");
        kernel.Types.FindType("task_struct").Should().NotBeNull();
        Feature(kernel, KernelFeatureNames.PageTables).Value.Should().Be("4 levels, no memory-encryption mask");
        Feature(kernel, KernelFeatureNames.Orc).Value.Should().StartWith("present: ", "the Debian 5.10 config has CONFIG_UNWINDER_ORC=y");
        Feature(kernel, KernelFeatureNames.Kaslr).Should().Be(new KernelFeature(KernelFeatureNames.Kaslr, "21800000", "VMCOREINFO KERNELOFFSET", "host"));
        // k510's guest had a hot-plug slot that never held a CPU: possible 0-2, present and online 0-1.
        kernel.PossibleCpus.ToString().Should().Be(FixtureFacts.Guest("k510", "cpu_possible"));
        kernel.PresentCpus.ToString().Should().Be(FixtureFacts.Guest("k510", "cpu_present"));
        kernel.OnlineCpus.ToString().Should().Be(FixtureFacts.Guest("k510", "cpu_online"));
    }

    [SkippableFact]
    public void Kd1_says_kallsyms_came_from_vmcoreinfo()
    {
        Feature(OpenedKernels.Kd1Zlib, KernelFeatureNames.Kallsyms).Value.Should().MatchRegex(@"^\d+ symbols, named by VMCOREINFO$");
    }

    [SkippableFact]
    public void Dumpinfo_lists_the_features_and_each_probe()
    {
        var kernel = OpenedKernels.K510Zlib;
        var services = new ServiceCollection();
        services.AddSingleton(kernel.Dump);
        services.AddSingleton<IKernel>(kernel);
        services.AddSingleton<IKernelFeatureProbe>(new RecordingProbe());
        var result = services.BuildServiceProvider().Run(new DumpInfoCommand(), "dumpinfo");
        var table = result.Blocks.OfType<TableBlock>().Single(t => t.Title == KernelFeatureReport.Title);
        var names = table.Rows.Select(r => r.Cells[0].Value).ToList();
        names.Should().StartWith(new object[] { KernelFeatureNames.Kallsyms, KernelFeatureNames.Types, KernelFeatureNames.Kaslr, KernelFeatureNames.PageTables, KernelFeatureNames.Orc, KernelFeatureNames.Allocator });
        table.Rows.Single(r => (string?)r.Cells[0].Value == KernelFeatureNames.Allocator).Cells.Select(c => c.Value)
            .Should().Equal("allocator", "SLUB (test)", "recorded by a test probe", "test");
    }

    [SkippableFact]
    public void A_kernel_with_neither_kallsyms_nor_symbol_files_says_which_files_would_supply_them()
    {
        using var real = DumpOpener.Open(Fixtures.K510Zlib);
        // The note claims init_uts_ns elsewhere: the table found in memory contradicts it and is refused.
        var edited = VmcoreInfo.Parse(real.VmcoreInfo!.Text.Replace("SYMBOL(init_uts_ns)=ffffffffa3e13700", "SYMBOL(init_uts_ns)=ffffffffa3e13740", StringComparison.Ordinal));
        using var dump = new DumpWithVmcoreInfo(DumpOpener.Open(Fixtures.K510Zlib), edited);
        var open = () => KernelLoader.Open(dump, KernelOpenOptions.Default);
        open.Should().Throw<NotSupportedException>()
            .WithMessage("*no kernel symbols: kallsyms not decoded from the dump: kallsyms names decoded*init_uts_ns comes out at ffffffffa3e13700, VMCOREINFO says ffffffffa3e13740*")
            .WithMessage("*--system-map System.map-5.10.0-32-cloud-amd64*--vmlinux vmlinux-5.10.0-32-cloud-amd64*linux-image-5.10.0-32-cloud-amd64-dbg*");
    }

    private sealed class RecordingProbe : IKernelFeatureProbe
    {
        public void Probe(IKernel kernel) => kernel.Features.Record(KernelFeatureNames.Allocator, "SLUB (test)", "recorded by a test probe", "test");
    }
}
