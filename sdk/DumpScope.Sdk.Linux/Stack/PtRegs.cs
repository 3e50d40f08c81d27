namespace DumpScope.Sdk.Linux.Stack;

/// <summary>The x86-64 struct pt_regs fields, in their order in memory (each 8 bytes).</summary>
public enum PtRegsField
{
#pragma warning disable CS1591 // the kernel's own field names
    R15, R14, R13, R12, Bp, Bx, R11, R10, R9, R8, Ax, Cx, Dx, Si, Di, OrigAx, Ip, Cs, Flags, Sp, Ss,
#pragma warning restore CS1591
}

/// <summary>
/// A register set in the form of x86-64 struct pt_regs (168 bytes; the layout has been fixed since the x86-64
/// entry code began and later additions, FRED's, come after <c>ss</c>). Made from a pt_regs on a stack, from a
/// dump's PRSTATUS note, or from a partial iret frame (then only ip, cs, flags, sp and ss are known).
/// </summary>
public sealed class PtRegs : SavedRegisters
{
    /// <summary>The size of the fields read.</summary>
    public const int Size = 21 * 8;

    /// <summary>Offset of <c>ip</c>: an iret frame (REGS_PARTIAL) starts here inside a pt_regs.</summary>
    public const int IretFrameOffset = (int)PtRegsField.Ip * 8;

    private readonly ulong[] _values;

    private PtRegs(ulong[] values, ulong? address, bool partial)
    {
        _values = values;
        Address = address;
        IsPartial = partial;
    }

    /// <inheritdoc/>
    public override ulong? Address { get; }

    /// <summary>True for an iret frame: only ip, cs, flags, sp and ss are valid.</summary>
    public override bool IsPartial { get; }

    /// <summary>A field's value.</summary>
    public ulong this[PtRegsField field] => _values[(int)field];

    /// <summary>The instruction pointer.</summary>
    public override ulong Ip => this[PtRegsField.Ip];

    /// <summary>The stack pointer.</summary>
    public override ulong Sp => this[PtRegsField.Sp];

    /// <summary>The frame pointer.</summary>
    public ulong Bp => this[PtRegsField.Bp];

    /// <inheritdoc/>
    public override ulong FramePointer => Bp;

    /// <summary>The code segment.</summary>
    public ulong Cs => this[PtRegsField.Cs];

    /// <summary>True when the registers are user mode's (CPL 3 in CS), the kernel's user_mode().</summary>
    public override bool IsUserMode => (Cs & 3) == 3;

    /// <inheritdoc/>
    public override IReadOnlyList<(string Name, ulong Value)> Named =>
        Enum.GetValues<PtRegsField>()
            .Where(f => !IsPartial || f is PtRegsField.Ip or PtRegsField.Cs or PtRegsField.Flags or PtRegsField.Sp or PtRegsField.Ss)
            .Select(f => (NoteName(f), this[f])).ToArray();

    /// <summary>Reads a full pt_regs at <paramref name="address"/>.</summary>
    /// <exception cref="MemoryFaultException">It is unreadable.</exception>
    public static PtRegs Read(IKernelMemory memory, ulong address)
    {
        var bytes = memory.ReadBytes(address, Size, "pt_regs");
        return new PtRegs(Decode(bytes), address, partial: false);
    }

    /// <summary>Reads the iret frame (ip, cs, flags, sp, ss) at <paramref name="iretFrame"/>.</summary>
    /// <exception cref="MemoryFaultException">It is unreadable.</exception>
    public static PtRegs ReadIretFrame(IKernelMemory memory, ulong iretFrame)
    {
        var bytes = new byte[Size];
        memory.ReadExactly(iretFrame, bytes.AsSpan(IretFrameOffset), "iret frame");
        return new PtRegs(Decode(bytes), iretFrame - IretFrameOffset, partial: true);
    }

    /// <summary>
    /// Registers from a dump note, keyed by the ELF PRSTATUS names (r15 … rip, cs, rflags, rsp, ss). Missing
    /// names read 0.
    /// </summary>
    public static PtRegs FromNote(IReadOnlyDictionary<string, ulong> registers)
    {
        var values = new ulong[21];
        for (int i = 0; i < values.Length; i++)
            values[i] = registers.TryGetValue(NoteName((PtRegsField)i), out var v) ? v : 0;
        return new PtRegs(values, null, partial: false);
    }

    /// <summary>Registers given field by field (tests, synthetic frames).</summary>
    public static PtRegs FromValues(IReadOnlyDictionary<PtRegsField, ulong> values)
    {
        var array = new ulong[21];
        foreach (var (field, value) in values) array[(int)field] = value;
        return new PtRegs(array, null, partial: false);
    }

    /// <summary>The PRSTATUS/crash name of a field ("rip", "rflags", "orig_rax", "r8").</summary>
    public static string NoteName(PtRegsField field) => field switch
    {
        PtRegsField.Flags => "rflags",
        PtRegsField.OrigAx => "orig_rax",
        PtRegsField.Cs => "cs",
        PtRegsField.Ss => "ss",
        >= PtRegsField.R15 and <= PtRegsField.R12 or >= PtRegsField.R11 and <= PtRegsField.R8 => field.ToString().ToLowerInvariant(),
        _ => "r" + field.ToString().ToLowerInvariant(),
    };

    private static ulong[] Decode(ReadOnlySpan<byte> bytes)
    {
        var values = new ulong[21];
        for (int i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadUInt64LittleEndian(bytes[(i * 8)..]);
        return values;
    }
}
