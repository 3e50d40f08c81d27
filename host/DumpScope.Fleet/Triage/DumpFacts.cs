namespace DumpScope.Fleet.Triage;

/// <summary>What identifies a dump and the machine it came from (the <c>dumps</c> table); every fact but the hash, path and size may be unknown.</summary>
/// <param name="Hash">"sha256:" and the hex SHA-256 of the whole file (<see cref="DumpHash"/>).</param>
/// <param name="Path">The path the dump was triaged at (absolute).</param>
/// <param name="Size">The file's size in bytes.</param>
/// <param name="KernelRelease">init_uts_ns release, else VMCOREINFO OSRELEASE.</param>
/// <param name="BuildId">VMCOREINFO BUILD-ID (the vmlinux's GNU build id).</param>
/// <param name="Host">utsname nodename of the crashed machine.</param>
/// <param name="DumpTime">When it crashed: VMCOREINFO CRASHTIME, else the kernel's wall clock in the dump; ISO 8601 UTC.</param>
/// <param name="CaptureFormat">The capture format as dumpinfo names it ("kdump-compressed (zlib)", "ELF"...).</param>
public sealed record DumpFacts(string Hash, string Path, long Size, string? KernelRelease = null, string? BuildId = null, string? Host = null,
    string? DumpTime = null, string? CaptureFormat = null);
