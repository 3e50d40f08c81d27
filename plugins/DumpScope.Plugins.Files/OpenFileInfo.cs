using DumpScope.Sdk.Linux.Fs;

namespace DumpScope.Plugins.Files;

/// <summary>One open file (or a dentry alone): its objects, its type and its path.</summary>
/// <param name="File">The struct file, 0 for a dentry alone.</param>
/// <param name="Dentry">Its dentry, 0 when unreadable.</param>
/// <param name="Inode">Its inode, 0 when unreadable or negative.</param>
/// <param name="Type">The inode's file type as crash names it ("REG", "CHR"), null when unknown.</param>
/// <param name="Path">Its path, null when the file could not be read.</param>
/// <param name="Problem">What could not be read, or null.</param>
public sealed record OpenFileInfo(ulong File, ulong Dentry, ulong Inode, string? Type, FilePath? Path, string? Problem);
