namespace DumpScope.Host.Dumps;

/// <summary>
/// Optional ability of dump sources whose container names the machine (test with <c>is</c>): ELF e_machine,
/// the kdump header's utsname machine. Wrapped or synthetic sources may lack it; the architecture is then
/// taken from VMCOREINFO (<see cref="Arch.KernelArchitecture"/>).
/// </summary>
public interface IDumpMachineInfo
{
    /// <summary>The machine as uname -m spells it ("x86_64", "aarch64"), or "" when the container leaves it empty.</summary>
    string Machine { get; }

    /// <summary>Where <see cref="Machine"/> was read, for notes ("ELF e_machine 183 (EM_AARCH64)").</summary>
    string MachineEvidence { get; }
}
