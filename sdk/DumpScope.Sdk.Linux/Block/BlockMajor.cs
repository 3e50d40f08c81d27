namespace DumpScope.Sdk.Linux.Block;

/// <summary>A registered block-device major (block/genhd.c struct blk_major_name).</summary>
/// <param name="Address">The blk_major_name's address.</param>
/// <param name="Major">The major number.</param>
/// <param name="Name">Its name, null when unreadable.</param>
/// <param name="Problem">What could not be read, or null.</param>
public sealed record BlockMajor(ulong Address, uint Major, string? Name, string? Problem);
