namespace DumpScope.Testing.DumpWriters;

/// <summary>One CPU's PRSTATUS note for <see cref="DumpWriter"/>: the running pid and some registers by name.</summary>
/// <param name="Pid">pr_pid.</param>
/// <param name="Registers">Values for user_regs_struct members by lower-case name (rip, rsp, …); others are 0.</param>
/// <param name="QemuCr3">When set, a QEMU CPU state note with this CR3 is written for the CPU too.</param>
public sealed record CpuNote(int Pid, IReadOnlyDictionary<string, ulong> Registers, ulong? QemuCr3 = null);
