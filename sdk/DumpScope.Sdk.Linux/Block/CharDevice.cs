namespace DumpScope.Sdk.Linux.Block;

/// <summary>A registered character-device region (fs/char_dev.c struct char_device_struct).</summary>
/// <param name="Address">The char_device_struct's address.</param>
/// <param name="Major">Its major number.</param>
/// <param name="BaseMinor">The first minor of the region.</param>
/// <param name="MinorCount">How many minors it covers.</param>
/// <param name="Name">The name it was registered with, null when unreadable.</param>
/// <param name="Cdev">The struct cdev registered with it (register_chrdev), 0 for a bare region.</param>
/// <param name="Operations">cdev->ops, 0 when there is no cdev.</param>
/// <param name="Problem">What could not be read, or null.</param>
public sealed record CharDevice(ulong Address, uint Major, uint BaseMinor, uint MinorCount, string? Name, ulong Cdev, ulong Operations, string? Problem);
