namespace DumpScope.Sdk.Linux.Block;

/// <summary>A disk (struct gendisk) and its request queue.</summary>
/// <param name="Gendisk">The gendisk's address.</param>
/// <param name="Major">Its major number.</param>
/// <param name="FirstMinor">Its first minor.</param>
/// <param name="Name">disk_name ("vda"), null when unreadable.</param>
/// <param name="Queue">Its struct request_queue, 0 when unreadable.</param>
/// <param name="Operations">gendisk->fops (struct block_device_operations), 0 when unreadable.</param>
/// <param name="Problem">What could not be read, or null.</param>
public sealed record DiskInfo(ulong Gendisk, uint Major, uint FirstMinor, string? Name, ulong Queue, ulong Operations, string? Problem);
