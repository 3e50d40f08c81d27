namespace DumpScope.Host.Dumps;

/// <summary>
/// What a dump's ELF notes say: PRSTATUS per CPU (pr_pid and the general registers: x86-64's user_regs_struct
/// or arm64's user_pt_regs), QEMU CPU state notes (x86-64 control registers, segment bases) and the VMCOREINFO
/// text. Used for ELF PT_NOTE segments and for the notes blob a kdump-compressed file keeps at offset_note.
/// </summary>
internal sealed class DumpNotes
{
    /// <summary>NT_PRSTATUS.</summary>
    private const uint NtPrStatus = 1;

    /// <summary>Offset of pr_pid in the x86-64 struct elf_prstatus.</summary>
    private const int PrPidOffset = 32;

    /// <summary>Offset of pr_reg (struct user_regs_struct) in the x86-64 struct elf_prstatus.</summary>
    private const int PrRegOffset = 112;

    /// <summary>
    /// Size of arm64's struct elf_prstatus: the common 112-byte head, user_pt_regs (34 × 8: x0–x30, sp, pc,
    /// pstate), pr_fpvalid and padding. x86-64's is 336.
    /// </summary>
    private const int Arm64PrStatusSize = 392;

    /// <summary>user_pt_regs member order on arm64 (arch/arm64/include/uapi/asm/ptrace.h).</summary>
    private static readonly string[] Arm64PrStatusRegisters =
    [
        "x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14", "x15",
        "x16", "x17", "x18", "x19", "x20", "x21", "x22", "x23", "x24", "x25", "x26", "x27", "x28", "x29", "x30",
        "sp", "pc", "pstate",
    ];

    /// <summary>user_regs_struct member order on x86-64.</summary>
    private static readonly string[] PrStatusRegisters =
    [
        "r15", "r14", "r13", "r12", "rbp", "rbx", "r11", "r10", "r9", "r8", "rax", "rcx", "rdx", "rsi", "rdi",
        "orig_rax", "rip", "cs", "rflags", "rsp", "ss", "fs_base", "gs_base", "ds", "es", "fs", "gs",
    ];

    /// <summary>QEMUCPUState general registers, in order, starting at offset 8.</summary>
    private static readonly string[] QemuRegisters =
    [
        "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rsp", "rbp", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
        "rip", "rflags",
    ];

    /// <summary>QEMUCPUState segments (each selector, limit, flags, pad: u32; base: u64), in order.</summary>
    private static readonly string[] QemuSegments = ["cs", "ds", "es", "fs", "gs", "ss", "ldt", "tr", "gdt", "idt"];

    private const int QemuSegmentsOffset = 8 + 18 * 8;
    private const int QemuSegmentSize = 24;
    private const int QemuCrOffset = QemuSegmentsOffset + 10 * QemuSegmentSize;
    private const int QemuKernelGsBaseOffset = QemuCrOffset + 5 * 8;

    /// <summary>
    /// The machine the notes come from ("x86_64", "aarch64"; "" when the container does not say, then a PRSTATUS
    /// note of arm64's size is read as arm64). Set before <see cref="Parse"/>.
    /// </summary>
    public string Machine { get; init; } = "";

    public string? VmcoreInfoText { get; private set; }

    public long VmcoreInfoOffset { get; private set; } = -1;

    public List<DumpCpuState> Cpus { get; } = [];

    public int PrStatusCount { get; private set; }

    public int QemuCpuStateCount { get; private set; }

    public int NoteCount { get; private set; }

    /// <summary>
    /// Parses notes in <paramref name="blob"/>, which the file holds at <paramref name="fileOffset"/> (for error
    /// messages). Several blobs (several PT_NOTE segments) can be parsed into the same instance.
    /// </summary>
    public void Parse(ReadOnlySpan<byte> blob, string path, long fileOffset, DumpOpenOptions options)
    {
        var prstatus = new List<(int Pid, Dictionary<string, ulong> Regs)>();
        var qemu = new List<Dictionary<string, ulong>>();
        int pos = 0;
        while (pos + 12 <= blob.Length)
        {
            uint namesz = BinaryPrimitives.ReadUInt32LittleEndian(blob[pos..]);
            uint descsz = BinaryPrimitives.ReadUInt32LittleEndian(blob[(pos + 4)..]);
            uint type = BinaryPrimitives.ReadUInt32LittleEndian(blob[(pos + 8)..]);
            if (namesz == 0 && descsz == 0 && type == 0)
                break; // zero padding after the last note, as /proc/vmcore and makedumpfile leave it
            long nameStart = pos + 12L;
            long descStart = nameStart + Align4(namesz);
            long end = descStart + Align4(descsz);
            if (namesz > blob.Length || descsz > blob.Length || descStart + descsz > blob.Length)
                throw DumpErrors.Malformed(path, fileOffset + pos,
                    $"ELF note: name size {namesz} and data size {descsz} run past the end of the notes ({blob.Length} bytes)");
            if (++NoteCount > options.MaxNotes)
                throw DumpErrors.Malformed(path, fileOffset + pos, $"more than {options.MaxNotes} ELF notes (the limit)");
            var name = ReadName(blob.Slice((int)nameStart, (int)namesz));
            var desc = blob.Slice((int)descStart, (int)descsz);
            var layout = name == "CORE" && type == NtPrStatus ? PrStatusLayout(desc.Length) : null;
            if (layout is not null && desc.Length >= PrRegOffset + layout.Length * 8)
            {
                var regs = new Dictionary<string, ulong>(StringComparer.Ordinal);
                for (int i = 0; i < layout.Length; i++)
                    regs[layout[i]] = BinaryPrimitives.ReadUInt64LittleEndian(desc[(PrRegOffset + i * 8)..]);
                prstatus.Add((BinaryPrimitives.ReadInt32LittleEndian(desc[PrPidOffset..]), regs));
            }
            else if (name == "QEMU" && desc.Length >= QemuKernelGsBaseOffset)
            {
                qemu.Add(ParseQemuCpuState(desc));
            }
            else if (name == "VMCOREINFO" && VmcoreInfoText is null)
            {
                if (desc.Length > VmcoreInfo.MaxTextLength)
                    throw DumpErrors.Malformed(path, fileOffset + descStart,
                        $"VMCOREINFO note is {desc.Length} bytes; at most {VmcoreInfo.MaxTextLength} are accepted");
                VmcoreInfoText = Encoding.ASCII.GetString(desc);
                VmcoreInfoOffset = fileOffset + descStart;
            }
            pos = (int)Math.Min(end, blob.Length);
        }
        Merge(prstatus, qemu);
    }

    // The register layout of a PRSTATUS note: the machine's when the container names it, else by the note's size.
    private string[] PrStatusLayout(int descLength) => Machine switch
    {
        "aarch64" => Arm64PrStatusRegisters,
        "x86_64" => PrStatusRegisters,
        _ => descLength == Arm64PrStatusSize ? Arm64PrStatusRegisters : PrStatusRegisters,
    };

    /// <summary>
    /// PRSTATUS notes come one per CPU in CPU order; a QEMU dump also has one QEMU note per CPU in the same
    /// order, whose control registers complete the CPU's entry.
    /// </summary>
    private void Merge(List<(int Pid, Dictionary<string, ulong> Regs)> prstatus, List<Dictionary<string, ulong>> qemu)
    {
        PrStatusCount += prstatus.Count;
        QemuCpuStateCount += qemu.Count;
        int count = Math.Max(prstatus.Count, qemu.Count);
        for (int i = 0; i < count; i++)
        {
            var regs = new Dictionary<string, ulong>(StringComparer.Ordinal);
            int pid = 0;
            if (i < qemu.Count)
                foreach (var (k, v) in qemu[i]) regs[k] = v;
            if (i < prstatus.Count)
            {
                pid = prstatus[i].Pid;
                foreach (var (k, v) in prstatus[i].Regs) regs[k] = v;
            }
            Cpus.Add(new DumpCpuState(Cpus.Count, pid, regs));
        }
    }

    private static Dictionary<string, ulong> ParseQemuCpuState(ReadOnlySpan<byte> desc)
    {
        var regs = new Dictionary<string, ulong>(StringComparer.Ordinal);
        uint version = BinaryPrimitives.ReadUInt32LittleEndian(desc);
        for (int i = 0; i < QemuRegisters.Length; i++)
            regs[QemuRegisters[i]] = BinaryPrimitives.ReadUInt64LittleEndian(desc[(8 + i * 8)..]);
        for (int i = 0; i < QemuSegments.Length; i++)
        {
            int at = QemuSegmentsOffset + i * QemuSegmentSize;
            var seg = QemuSegments[i];
            if (i < 6) regs[seg] = BinaryPrimitives.ReadUInt32LittleEndian(desc[at..]);
            regs[seg + "_base"] = BinaryPrimitives.ReadUInt64LittleEndian(desc[(at + 16)..]);
            if (seg is "gdt" or "idt") regs[seg + "_limit"] = BinaryPrimitives.ReadUInt32LittleEndian(desc[(at + 4)..]);
        }
        for (int i = 0; i < 5; i++)
            regs["cr" + i] = BinaryPrimitives.ReadUInt64LittleEndian(desc[(QemuCrOffset + i * 8)..]);
        if (version >= 1 && desc.Length >= QemuKernelGsBaseOffset + 8)
            regs["kernel_gs_base"] = BinaryPrimitives.ReadUInt64LittleEndian(desc[QemuKernelGsBaseOffset..]);
        return regs;
    }

    private static string ReadName(ReadOnlySpan<byte> name)
    {
        int nul = name.IndexOf((byte)0);
        if (nul >= 0) name = name[..nul];
        return Encoding.ASCII.GetString(name);
    }

    private static long Align4(uint value) => (value + 3L) & ~3L;
}
