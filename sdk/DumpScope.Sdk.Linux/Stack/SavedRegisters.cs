namespace DumpScope.Sdk.Linux.Stack;

/// <summary>
/// A register set saved at an exception, interrupt or system-call entry, or taken from a dump's PRSTATUS note,
/// in one architecture's form (<see cref="PtRegs"/> for x86-64, <see cref="Arm64PtRegs"/> for arm64).
/// </summary>
public abstract class SavedRegisters
{
    /// <summary>The instruction pointer (x86-64 rip, arm64 pc).</summary>
    public abstract ulong Ip { get; }

    /// <summary>The stack pointer.</summary>
    public abstract ulong Sp { get; }

    /// <summary>The frame pointer (x86-64 rbp, arm64 x29).</summary>
    public abstract ulong FramePointer { get; }

    /// <summary>True when the registers are user mode's (the kernel's user_mode()).</summary>
    public abstract bool IsUserMode { get; }

    /// <summary>True when only some registers are known (an x86-64 iret frame).</summary>
    public virtual bool IsPartial => false;

    /// <summary>Where the registers lie in memory, or null for registers from a dump note.</summary>
    public abstract ulong? Address { get; }

    /// <summary>The registers by their PRSTATUS/crash names, in the struct's order (the ones known).</summary>
    public abstract IReadOnlyList<(string Name, ulong Value)> Named { get; }
}
