namespace DumpScope.Sdk.Linux.Fs;

/// <summary>One mount of a namespace: the struct mount, its super block and what /proc/mounts shows for it.</summary>
/// <param name="Mount">The struct mount's address.</param>
/// <param name="SuperBlock">vfsmount.mnt_sb, 0 when unreadable.</param>
/// <param name="Type">The file-system type's name, null when unreadable.</param>
/// <param name="DevName">mnt_devname, null when unreadable.</param>
/// <param name="DirName">Where it is mounted (d_path of its mount point in its parent), null when unreadable.</param>
/// <param name="Problem">What could not be read, or null.</param>
public sealed record MountInfo(ulong Mount, ulong SuperBlock, string? Type, string? DevName, FilePath? DirName, string? Problem);
