namespace DumpScope.Sdk.Memory;

/// <summary>A range of a <see cref="MemorySnapshot"/> that could not be read.</summary>
/// <param name="Address">Its first address.</param>
/// <param name="Length">Its length in bytes.</param>
/// <param name="Fault">Why it could not be read (the fault of its first byte).</param>
public readonly record struct MemoryHole(ulong Address, int Length, MemoryFault Fault);
