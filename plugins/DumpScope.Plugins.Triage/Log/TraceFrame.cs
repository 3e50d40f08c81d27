namespace DumpScope.Plugins.Triage.Log;

/// <summary>One frame of a Call Trace the kernel printed ("  ? name+0xoff/0xsize [module]").</summary>
/// <param name="Function">The function name.</param>
/// <param name="Offset">The offset into it.</param>
/// <param name="Reliable">False for the kernel's "? " frames (found on the stack but not by the unwinder).</param>
/// <param name="Module">The module, or null for vmlinux.</param>
public sealed record TraceFrame(string Function, ulong Offset, bool Reliable, string? Module);
