using DumpScope.Host.Kernel;
using DumpScope.Host.Symbols;

namespace DumpScope.Host.Tests.Kernel;

public class KernelFactsReaderTests
{
    [SkippableFact]
    public void Missing_symbols_fall_back_and_say_so()
    {
        var kernel = OpenedKernels.Kd1Zlib;
        string[] hidden = ["nr_cpu_ids", "nr_node_ids", "__cpu_possible_mask", "__cpu_online_mask", "__cpu_present_mask", "__per_cpu_offset"];
        var symbols = new SymbolTable("filtered", kernel.Symbols.All.Where(s => !hidden.Contains(s.Name)));
        var notes = new List<string>();
        var facts = KernelFactsReader.Read(kernel.Dump, kernel.Memory, symbols, kernel.KaslrOffset, notes);

        facts.NrCpuIds.Should().Be((uint)kernel.Dump.Cpus.Count, "one PRSTATUS note per CPU");
        facts.NrNodeIds.Should().Be(1u);
        facts.PossibleCpus.ToString().Should().Be($"0-{kernel.Dump.Cpus.Count - 1}");
        facts.PresentCpus.ToString().Should().Be(facts.PossibleCpus.ToString(), "without the present mask the possible CPUs stand in");
        facts.PerCpuOffsets.Should().BeNull();
        facts.Release.Should().Be(kernel.VmcoreInfo!.OsRelease);
        notes.Should().Contain(n => n.StartsWith("nr_cpu_ids: taken as 2, the number of CPU notes", StringComparison.Ordinal))
            .And.Contain("nr_node_ids: assumed 1")
            .And.Contain(n => n.StartsWith("cpu possible mask: no __cpu_possible_mask or cpu_possible_bits symbol", StringComparison.Ordinal))
            .And.Contain(n => n.StartsWith("cpu present mask: no __cpu_present_mask or cpu_present_bits symbol; assumed CPUs 0-", StringComparison.Ordinal))
            .And.Contain(n => n.StartsWith("__per_cpu_offset: symbol missing", StringComparison.Ordinal));
    }

    [SkippableFact]
    public void Implausible_counts_are_not_believed()
    {
        // Point nr_cpu_ids at a word that holds something else: linux_banner's first bytes ("Linu" > 65536).
        var kernel = OpenedKernels.Kd1Zlib;
        kernel.Symbols.TryGetAddress("linux_banner", out var banner).Should().BeTrue();
        var symbols = new SymbolTable("misplaced", kernel.Symbols.All.Select(s => s.Name == "nr_cpu_ids" ? s with { Address = banner } : s));
        var notes = new List<string>();
        var facts = KernelFactsReader.Read(kernel.Dump, kernel.Memory, symbols, kernel.KaslrOffset, notes);
        facts.NrCpuIds.Should().Be(2u);
        notes.Should().Contain(n => n.StartsWith("nr_cpu_ids: holds 1970170188, outside 1..65536", StringComparison.Ordinal));
    }
}
