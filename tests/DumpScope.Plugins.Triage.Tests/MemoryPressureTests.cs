using DumpScope.Sdk.Linux.Mm;

namespace DumpScope.Plugins.Triage.Tests;

/// <summary>
/// The memory findings on kd1 with its counters patched (FaultInjectingMemory): a zone's free pages under its min or
/// low watermark, and unreclaimable slab above the leak share of RAM, read through the kernel's own layouts.
/// </summary>
[Collection("triage dumps")]
public sealed class MemoryPressureTests(TriageSessions dumps)
{
    private IKernel Kd1 => dumps.Session("kd1/vmcore.kdump-zlib-d31").Services.GetRequiredService<IKernel>();

    [SkippableFact]
    public void Free_pages_under_a_zones_min_watermark_are_an_error_and_under_low_a_warning()
    {
        var kernel = Kd1;
        var zones = Zones.ForEachPopulatedZone(kernel, []);
        zones.Should().HaveCountGreaterThan(1, "kd1 has DMA and DMA32 zones");
        KernelGlobals.TryEnumValue(kernel, "enum zone_stat_item", "NR_FREE_PAGES", out var nrFree).Should().BeTrue();
        var original = TriageAnalyzer.Analyze(kernel);
        original.Findings.Should().NotContain(f => f.Kind == "low_memory", "kd1 had plenty free");

        var biggest = zones.MaxBy(z => z.Managed)!;
        var patched = new PatchedKernel(kernel);
        patched.Patches.Patch(FreeCounter(kernel, biggest, nrFree), (ulong)(biggest.Min - 1));
        var belowMin = TriageAnalyzer.Analyze(patched.Kernel).Findings.Single(f => f.Kind == "low_memory");
        belowMin.Severity.Should().Be(Findings.Severity.Error);
        belowMin.Title.Should().Be($"free memory below the min watermark in node {biggest.Node} {biggest.Name}: allocations stall or fail");
        belowMin.Evidence.Should().ContainSingle().Which.Should().StartWith($"node {biggest.Node} {biggest.Name}: free {biggest.Min - 1} pages, min {biggest.Min}, low {biggest.Low}");

        var betweenMinAndLow = new PatchedKernel(kernel);
        betweenMinAndLow.Patches.Patch(FreeCounter(kernel, biggest, nrFree), (ulong)biggest.Min);
        var belowLow = TriageAnalyzer.Analyze(betweenMinAndLow.Kernel).Findings.Single(f => f.Kind == "low_memory");
        belowLow.Severity.Should().Be(Findings.Severity.Warning);
        belowLow.Title.Should().Contain("below the low watermark").And.Contain("kswapd reclaims");
    }

    [SkippableFact]
    public void Unreclaimable_slab_above_a_tenth_of_ram_is_a_possible_leak_naming_the_biggest_unreclaimable_caches()
    {
        var kernel = Kd1;
        KernelGlobals.TryEnumValue(kernel, "enum node_stat_item", "NR_SLAB_UNRECLAIMABLE_B", out var item).Should().BeTrue();
        kernel.Symbols.TryGetAddress("vm_node_stat", out var vmNodeStat).Should().BeTrue();
        KernelGlobals.TryReadInteger(kernel, "_totalram_pages", "atomic_long_t", out var totalPages, out _).Should().BeTrue();
        TriageAnalyzer.Analyze(kernel).Findings.Should().Contain(f => f.Kind == "memory").And.NotContain(f => f.Kind == "possible_slab_leak");

        var patched = new PatchedKernel(kernel);
        patched.Patches.Patch(vmNodeStat + (ulong)item * 8, (ulong)(totalPages / 5)); // 20 % of RAM
        var leak = TriageAnalyzer.Analyze(patched.Kernel).Findings.Single(f => f.Kind == "possible_slab_leak");

        leak.Severity.Should().Be(Findings.Severity.Warning);
        leak.Title.Should().StartWith("possible leak: unreclaimable slab is 20.0% of RAM (threshold 10.0%); biggest: ");
        leak.Targets.Should().Contain(t => t.Subject is SlabCacheTarget, "the biggest unreclaimable cache's objects are one step away");
    }

    // zone->vm_stat[NR_FREE_PAGES].counter: the word the page allocator's free count lives in.
    private static ulong FreeCounter(IKernel kernel, ZoneInfo zone, long nrFree) =>
        new KernelObject(kernel, kernel.Types.Require("struct zone"), zone.Address)[$"vm_stat[{nrFree}]"].Address;
}
