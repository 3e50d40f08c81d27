using DumpScope.Sdk.Linux.Modules;

namespace DumpScope.Sdk.Linux.Stack;

/// <summary>Where the kernel's code is: vmlinux text (core and init) and each module's text.</summary>
public sealed class KernelCode
{
    private readonly (ulong Start, ulong End)[] _vmlinux;

    /// <summary>Reads the text bounds from the symbols (_stext/_etext, _sinittext/_einittext) and the modules.</summary>
    public KernelCode(IKernel kernel, IReadOnlyList<KernelModule> modules)
    {
        var ranges = new List<(ulong, ulong)>();
        if (Range(kernel, "_stext", "_etext") is { } text) ranges.Add(text);
        else if (Range(kernel, "_text", "_etext") is { } text2) ranges.Add(text2);
        if (Range(kernel, "_sinittext", "_einittext") is { } init) ranges.Add(init);
        _vmlinux = ranges.ToArray();
        Modules = modules;
        TextStart = ranges.Count > 0 ? ranges[0].Item1 : 0;
        TextEnd = ranges.Count > 0 ? ranges[0].Item2 : 0;
    }

    /// <summary>The modules whose text counts as code.</summary>
    public IReadOnlyList<KernelModule> Modules { get; }

    /// <summary>_stext: the start of the core kernel text (the ORC fast look-up table's base).</summary>
    public ulong TextStart { get; }

    /// <summary>_etext.</summary>
    public ulong TextEnd { get; }

    /// <summary>True when the address is in vmlinux text (core or init).</summary>
    public bool IsVmlinuxText(ulong address)
    {
        foreach (var (start, end) in _vmlinux)
            if (address >= start && address < end) return true;
        return false;
    }

    /// <summary>The module whose text holds the address, or null.</summary>
    public KernelModule? ModuleTextAt(ulong address)
    {
        foreach (var module in Modules)
            if (module.InText(address)) return module;
        return null;
    }

    /// <summary>True when the address is kernel code (vmlinux or a module's text).</summary>
    public bool IsText(ulong address) => IsVmlinuxText(address) || ModuleTextAt(address) is not null;

    private static (ulong, ulong)? Range(IKernel kernel, string start, string end) =>
        kernel.Symbols.TryGetAddress(start, out var s) && kernel.Symbols.TryGetAddress(end, out var e) && e > s ? (s, e) : null;
}
