namespace DumpScope.Sdk.Linux.Mm;

/// <summary>One VMA as <see cref="Vmas.ForEachVma"/> found it.</summary>
/// <param name="Vma">The <c>struct vm_area_struct</c>.</param>
/// <param name="StoredFirst">The first address the maple tree stores it for (its vm_start), null before the maple tree.</param>
/// <param name="StoredLast">The last address the maple tree stores it for (its vm_end - 1), null before the maple tree.</param>
public sealed record VmaSlot(KernelObject Vma, ulong? StoredFirst, ulong? StoredLast);
