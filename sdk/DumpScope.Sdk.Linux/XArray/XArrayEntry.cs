namespace DumpScope.Sdk.Linux.XArray;

/// <summary>One present entry of an XArray (or pre-4.20 radix tree): its index and the stored word.</summary>
/// <param name="Index">The entry's index (for an IDR: id - idr_base).</param>
/// <param name="Value">The stored word: a pointer, or a tagged value entry.</param>
public readonly record struct XArrayEntry(ulong Index, ulong Value);
