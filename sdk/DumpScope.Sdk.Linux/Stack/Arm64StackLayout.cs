namespace DumpScope.Sdk.Linux.Stack;

/// <summary>
/// What the arm64 unwinder needs to know of a kernel, probed from its types and VMCOREINFO: struct pt_regs's
/// layout (and size: the final frame record lies in the pt_regs at the top of every task stack), where
/// <c>task_struct.thread.cpu_context</c> keeps a sleeping task's fp, sp and pc, and the pointer-authentication
/// mask to strip from return addresses.
/// </summary>
public sealed record Arm64StackLayout
{
    /// <summary>sizeof(struct pt_regs).</summary>
    public required ulong PtRegsSize { get; init; }

    /// <summary>offsetof(struct pt_regs, regs): x0–x30.</summary>
    public ulong RegsOffset { get; init; }

    /// <summary>offsetof(struct pt_regs, sp).</summary>
    public ulong SpOffset { get; init; } = 31 * 8;

    /// <summary>offsetof(struct pt_regs, pc).</summary>
    public ulong PcOffset { get; init; } = 32 * 8;

    /// <summary>offsetof(struct pt_regs, pstate).</summary>
    public ulong PstateOffset { get; init; } = 33 * 8;

    /// <summary>offsetof(struct pt_regs, orig_x0), when the types have it.</summary>
    public ulong? OrigX0Offset { get; init; }

    /// <summary>offsetof(struct pt_regs, syscallno), when the types have it (an s32 since 4.x, read as such).</summary>
    public ulong? SyscallNoOffset { get; init; }

    /// <summary>offsetof(struct pt_regs, stackframe): the frame record the entry code leaves in every pt_regs.</summary>
    public required ulong StackFrameOffset { get; init; }

    /// <summary>
    /// The offset of the record's type inside pt_regs.stackframe when it is a struct frame_record_meta (kernels
    /// since "arm64: stacktrace: unwind exception boundaries", v6.13: the entry code leaves a zero record with
    /// FRAME_META_TYPE_FINAL or FRAME_META_TYPE_PT_REGS), null for the older u64 stackframe[2], where an EL1
    /// entry's record holds the interrupted x29 and pc.
    /// </summary>
    public ulong? MetaTypeOffset { get; init; }

    /// <summary>offsetof(struct task_struct, thread.cpu_context).</summary>
    public required ulong CpuContextOffset { get; init; }

    /// <summary>offsetof(struct cpu_context, fp).</summary>
    public ulong CpuContextFpOffset { get; init; } = 10 * 8;

    /// <summary>offsetof(struct cpu_context, sp).</summary>
    public ulong CpuContextSpOffset { get; init; } = 11 * 8;

    /// <summary>offsetof(struct cpu_context, pc).</summary>
    public ulong CpuContextPcOffset { get; init; } = 12 * 8;

    /// <summary>The bits pointer authentication puts into kernel return addresses (all VA bits' complement).</summary>
    public required ulong PacMask { get; init; }

    /// <summary>Where <see cref="PacMask"/> came from.</summary>
    public string PacMaskOrigin { get; init; } = "";

    /// <summary>FRAME_META_TYPE_FINAL of arch/arm64/include/asm/stacktrace/frame.h.</summary>
    public const ulong FrameMetaFinal = 1;

    /// <summary>FRAME_META_TYPE_PT_REGS: the record is the one inside a pt_regs.</summary>
    public const ulong FrameMetaPtRegs = 2;

    /// <summary>
    /// A return address without its PAC: the kernel's ptrauth_strip_kernel_insn_pac. Kernel addresses (bit 55 set)
    /// get the mask's bits set, others cleared.
    /// </summary>
    public ulong StripPac(ulong address) => (address & (1UL << 55)) != 0 ? address | PacMask : address & ~PacMask;

    /// <summary>
    /// Probes the layout: struct pt_regs and struct cpu_context from the types (BTF or DWARF), the PAC mask from
    /// VMCOREINFO's NUMBER(KERNELPACMASK) (written since 5.7 when the CPU has address authentication, 0 when it
    /// does not), else GENMASK(63, VA_BITS) from NUMBER(VA_BITS), else 48 VA bits.
    /// </summary>
    /// <exception cref="TypeNotFoundException">struct pt_regs, its stackframe or task_struct.thread.cpu_context is missing.</exception>
    public static Arm64StackLayout Probe(IKernel kernel)
    {
        var regs = kernel.Types.Require("struct pt_regs").Resolve();
        var task = kernel.Types.Require("struct task_struct").Resolve();
        var frame = regs.FindMember("stackframe");
        ulong? metaType = null;
        if (frame.Type.Resolve() is { Kind: TypeKind.Struct } meta && meta.TryFindMember("type", out var type))
            metaType = frame.Offset + type.Offset;
        ulong? Optional(string name) => regs.TryFindMember(name, out var m) ? m.Offset : null;
        var context = task.FindMember("thread.cpu_context");
        var contextType = context.Type.Resolve();
        ulong Context(string name, ulong fallback) => contextType.TryFindMember(name, out var m) ? m.Offset : fallback;
        var (mask, origin) = PacMaskOf(kernel.VmcoreInfo);
        return new Arm64StackLayout
        {
            PtRegsSize = regs.Size,
            RegsOffset = regs.FindMember("regs").Offset,
            SpOffset = regs.FindMember("sp").Offset,
            PcOffset = regs.FindMember("pc").Offset,
            PstateOffset = regs.FindMember("pstate").Offset,
            OrigX0Offset = Optional("orig_x0"),
            SyscallNoOffset = Optional("syscallno"),
            StackFrameOffset = frame.Offset,
            MetaTypeOffset = metaType,
            CpuContextOffset = context.Offset,
            CpuContextFpOffset = Context("fp", 10 * 8),
            CpuContextSpOffset = Context("sp", 11 * 8),
            CpuContextPcOffset = Context("pc", 12 * 8),
            PacMask = mask,
            PacMaskOrigin = origin,
        };
    }

    /// <summary>The PAC mask of a kernel from its VMCOREINFO (see <see cref="Probe"/>).</summary>
    public static (ulong Mask, string Origin) PacMaskOf(VmcoreInfo? info)
    {
        if (Number(info, "KERNELPACMASK") is { } pac && pac != 0) return (pac, "VMCOREINFO NUMBER(KERNELPACMASK)");
        int vaBits = Number(info, "VA_BITS") is { } bits and >= 36 and <= 52 ? (int)bits : 48;
        string why = info?["NUMBER(KERNELPACMASK)"] is null ? "no NUMBER(KERNELPACMASK)" : "NUMBER(KERNELPACMASK) is 0 (no address authentication)";
        return (~0UL << vaBits, $"GENMASK(63, {vaBits}) from {(Number(info, "VA_BITS") is null ? "an assumed VA_BITS" : "NUMBER(VA_BITS)")} ({why})");
    }

    // VMCOREINFO numbers are decimal or, for addresses and masks (arm64's crash_core.c), 0x-prefixed hex.
    private static ulong? Number(VmcoreInfo? info, string name)
    {
        if (info?[$"NUMBER({name})"] is not { } text) return null;
        text = text.Trim();
        if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            return ulong.TryParse(text.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var hex) ? hex : null;
        return long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var dec) ? (ulong)dec : null;
    }
}
