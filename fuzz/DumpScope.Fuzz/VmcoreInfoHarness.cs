namespace DumpScope.Fuzz;

/// <summary>VMCOREINFO text: parsed from any bytes (as the readers do, byte for character) and queried.</summary>
internal static class VmcoreInfoHarness
{
    public static void Run(byte[] data)
    {
        var text = Encoding.Latin1.GetString(data, 0, Math.Min(data.Length, VmcoreInfo.MaxTextLength));
        var info = VmcoreInfo.Parse(text);
        _ = info.OsRelease;
        _ = info.BuildId;
        _ = info.PageSize;
        _ = info.KernelOffset;
        _ = info.HasKernelOffset;
        info.TryGetSymbol("_stext", out _);
        info.TryGetSymbol("init_uts_ns", out _);
        info.TryGetNumber("NR_FREE_PAGES", out _);
        info.TryGetOffset("page.flags", out _);
        info.TryGetSize("page", out _);
        info.TryGetLength("mem_section", out _);
        foreach (var (key, value) in info.Entries)
        {
            _ = info[key];
            _ = value.Length;
        }
    }
}
