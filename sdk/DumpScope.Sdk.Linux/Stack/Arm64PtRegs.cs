namespace DumpScope.Sdk.Linux.Stack;

/// <summary>
/// An arm64 register set: struct pt_regs's user_pt_regs part (x0–x30, sp, pc, pstate) with orig_x0 and syscallno
/// when read from a stack, or the PRSTATUS registers of a dump note. Offsets come from <see cref="Arm64StackLayout"/>.
/// </summary>
public sealed class Arm64PtRegs : SavedRegisters
{
    /// <summary>PSR_MODE_MASK of arch/arm64/include/uapi/asm/ptrace.h: the exception level and stack selection.</summary>
    public const ulong ModeMask = 0xf;

    /// <summary>PSR_MODE32_BIT: an AArch32 (compat) user task.</summary>
    public const ulong Mode32Bit = 0x10;

    private readonly ulong[] _x;

    private Arm64PtRegs(ulong[] x, ulong sp, ulong pc, ulong pstate, ulong? origX0, ulong? syscallNo, ulong? address)
    {
        _x = x;
        Sp = sp;
        Pc = pc;
        Pstate = pstate;
        OrigX0 = origX0;
        SyscallNo = syscallNo;
        Address = address;
    }

    /// <summary>General register x<paramref name="n"/> (0–30).</summary>
    public ulong X(int n) => _x[n];

    /// <summary>The link register x30.</summary>
    public ulong Lr => _x[30];

    /// <summary>The program counter.</summary>
    public ulong Pc { get; }

    /// <summary>PSTATE (SPSR at the exception).</summary>
    public ulong Pstate { get; }

    /// <summary>pt_regs.orig_x0, when read from a pt_regs.</summary>
    public ulong? OrigX0 { get; }

    /// <summary>pt_regs.syscallno, when read from a pt_regs.</summary>
    public ulong? SyscallNo { get; }

    /// <summary>True for an AArch32 user task's registers.</summary>
    public bool IsCompat => IsUserMode && (Pstate & Mode32Bit) != 0;

    /// <inheritdoc/>
    public override ulong Ip => Pc;

    /// <inheritdoc/>
    public override ulong Sp { get; }

    /// <inheritdoc/>
    public override ulong FramePointer => _x[29];

    /// <summary>user_mode(): PSTATE's mode is EL0t (AArch64 or AArch32).</summary>
    public override bool IsUserMode => (Pstate & ModeMask) == 0;

    /// <inheritdoc/>
    public override ulong? Address { get; }

    /// <inheritdoc/>
    public override IReadOnlyList<(string Name, ulong Value)> Named
    {
        get
        {
            var named = new List<(string, ulong)>(36);
            for (int i = 0; i <= 30; i++) named.Add(($"x{i}", _x[i]));
            named.Add(("sp", Sp));
            named.Add(("pc", Pc));
            named.Add(("pstate", Pstate));
            if (OrigX0 is { } o) named.Add(("orig_x0", o));
            if (SyscallNo is { } s) named.Add(("syscallno", s));
            return named;
        }
    }

    /// <summary>Reads the struct pt_regs at <paramref name="address"/> in <paramref name="layout"/>.</summary>
    /// <exception cref="MemoryFaultException">It is unreadable.</exception>
    public static Arm64PtRegs Read(IKernelMemory memory, ulong address, Arm64StackLayout layout)
    {
        var bytes = memory.ReadBytes(address, (int)layout.PtRegsSize, "pt_regs");
        ulong At(ulong offset) => BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan((int)offset));
        var x = new ulong[31];
        for (int i = 0; i < 31; i++) x[i] = At(layout.RegsOffset + (ulong)i * 8);
        return new Arm64PtRegs(x, At(layout.SpOffset), At(layout.PcOffset), At(layout.PstateOffset),
            layout.OrigX0Offset is { } o ? At(o) : null,
            layout.SyscallNoOffset is { } s ? (ulong)(long)BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan((int)s)) : null, address);
    }

    /// <summary>Registers from a dump's PRSTATUS note (names x0…x30, sp, pc, pstate); missing names read 0.</summary>
    public static Arm64PtRegs FromNote(IReadOnlyDictionary<string, ulong> registers)
    {
        ulong Get(string name) => registers.TryGetValue(name, out var v) ? v : 0;
        var x = new ulong[31];
        for (int i = 0; i < 31; i++) x[i] = Get($"x{i}");
        return new Arm64PtRegs(x, Get("sp"), Get("pc"), Get("pstate"), null, null, null);
    }

    /// <summary>Registers given one by one (tests, synthetic frames); x29 is <paramref name="fp"/>.</summary>
    public static Arm64PtRegs FromValues(ulong pc, ulong sp, ulong fp, ulong pstate, ulong lr = 0) =>
        new(Enumerable.Range(0, 31).Select(i => i == 29 ? fp : i == 30 ? lr : 0UL).ToArray(), sp, pc, pstate, null, null, null);
}
