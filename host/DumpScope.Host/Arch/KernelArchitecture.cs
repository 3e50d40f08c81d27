using DumpScope.Host.Dumps;

namespace DumpScope.Host.Arch;

/// <summary>
/// Which architecture a dump's kernel is, decided once at open: the container's word (ELF e_machine, the kdump
/// header's utsname machine), else what only one architecture's VMCOREINFO writes (arm64's
/// arch_crash_save_vmcoreinfo: NUMBER(VA_BITS), NUMBER(kimage_voffset), NUMBER(PHYS_OFFSET), NUMBER(TCR_EL1_T1SZ);
/// x86-64's: SYMBOL(init_top_pgt), NUMBER(phys_base)), else the CPU notes' register names.
/// </summary>
public static class KernelArchitecture
{
    /// <summary>uname -m of x86-64.</summary>
    public const string X86_64 = "x86_64";

    /// <summary>uname -m of arm64.</summary>
    public const string Aarch64 = "aarch64";

    /// <summary>The architecture of <paramref name="dump"/> and the evidence, for notes and features.</summary>
    public static (string Machine, string How) Detect(IDumpSource dump)
    {
        ArgumentNullException.ThrowIfNull(dump);
        // Another name (a 32-bit header's "i686") decides nothing: the kernel's own notes may still tell.
        if (dump is IDumpMachineInfo { Machine: X86_64 or Aarch64 } named) return (named.Machine, named.MachineEvidence);
        if (dump.VmcoreInfo is { } info)
        {
            foreach (var key in new[] { "kimage_voffset", "PHYS_OFFSET", "TCR_EL1_T1SZ", "VA_BITS" })
                if (info.TryGetNumber(key, out _)) return (Aarch64, $"VMCOREINFO NUMBER({key}) (written only by arm64)");
            if (info.TryGetSymbol("init_top_pgt", out _)) return (X86_64, "VMCOREINFO SYMBOL(init_top_pgt) (written only by x86-64)");
            if (info.TryGetNumber("phys_base", out _)) return (X86_64, "VMCOREINFO NUMBER(phys_base) (written only by x86-64)");
        }
        foreach (var cpu in dump.Cpus)
        {
            if (cpu.Registers.ContainsKey("pstate")) return (Aarch64, "the CPU notes hold arm64 registers (pc, pstate)");
            if (cpu.Registers.ContainsKey("rip")) return (X86_64, "the CPU notes hold x86-64 registers (rip)");
        }
        return (X86_64, "nothing names the machine; x86-64 assumed");
    }
}
