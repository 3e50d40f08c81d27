namespace DumpScope.Plugins.Memory.Vm;

/// <summary>One virtual memory area of a process.</summary>
/// <param name="Address">The vm_area_struct address.</param>
/// <param name="Start">vm_start.</param>
/// <param name="End">vm_end (exclusive).</param>
/// <param name="Flags">vm_flags.</param>
/// <param name="File">The mapped file's name (its dentry path within its mount), null for anonymous memory.</param>
/// <param name="Problem">What is wrong with this entry (unreadable fields, a range that disagrees with the tree).</param>
public sealed record VmaInfo(ulong Address, ulong Start, ulong End, ulong Flags, string? File, string? Problem);
