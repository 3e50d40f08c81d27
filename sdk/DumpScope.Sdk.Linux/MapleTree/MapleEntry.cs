namespace DumpScope.Sdk.Linux.MapleTree;

/// <summary>A maple tree entry and the index range the tree stores it for.</summary>
/// <param name="First">The first index (for a VMA: vm_start).</param>
/// <param name="Last">The last index, inclusive (for a VMA: vm_end - 1).</param>
/// <param name="Entry">The stored pointer.</param>
public readonly record struct MapleEntry(ulong First, ulong Last, ulong Entry);
