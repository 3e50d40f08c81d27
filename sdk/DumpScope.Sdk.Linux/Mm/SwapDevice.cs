namespace DumpScope.Sdk.Linux.Mm;

/// <summary>One swap area (struct swap_info_struct) in use.</summary>
/// <param name="Address">The swap_info_struct's address.</param>
/// <param name="Type">Its index in swap_info[] (the swap type).</param>
/// <param name="Flags">si->flags (SWP_USED, SWP_WRITEOK…).</param>
/// <param name="Priority">si->prio.</param>
/// <param name="Pages">Usable pages (si->pages).</param>
/// <param name="InUse">Pages in use (si->inuse_pages).</param>
/// <param name="File">si->swap_file (struct file *).</param>
/// <param name="Problem">What could not be read, or null.</param>
public sealed record SwapDevice(ulong Address, int Type, ulong Flags, long Priority, ulong Pages, ulong InUse, ulong File, string? Problem)
{
    /// <summary>SWP_WRITEOK: swapon finished and the area takes pages.</summary>
    public bool WriteOk => (Flags & 2) != 0;
}
