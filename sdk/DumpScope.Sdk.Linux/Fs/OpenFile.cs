namespace DumpScope.Sdk.Linux.Fs;

/// <summary>One slot of a task's file-descriptor table.</summary>
/// <param name="Fd">The descriptor (the first of the range, for an unreadable range).</param>
/// <param name="File">The struct file's address; 0 for an unreadable range.</param>
/// <param name="Problem">Why the slots from <paramref name="Fd"/> on could not be read, or null.</param>
/// <param name="Count">How many slots the entry stands for (more than one only for an unreadable range).</param>
public sealed record OpenFile(int Fd, ulong File, string? Problem = null, int Count = 1);
