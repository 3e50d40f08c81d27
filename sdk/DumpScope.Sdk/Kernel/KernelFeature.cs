namespace DumpScope.Sdk.Kernel;

/// <summary>
/// One thing probed about the dumped kernel, with how it was probed: what a user needs to see why a command
/// behaves as it does on this kernel ("allocator: SLUB, slab fields in struct page (no struct slab type)").
/// </summary>
/// <param name="Name">What was probed; one of <see cref="KernelFeatureNames"/> when it is one of those.</param>
/// <param name="Value">What was found.</param>
/// <param name="HowProbed">The evidence: which type, member, symbol or VMCOREINFO entry decided.</param>
/// <param name="ReportedBy">Who probed it (the host, a helper, a plugin).</param>
public sealed record KernelFeature(string Name, string Value, string HowProbed, string ReportedBy);
