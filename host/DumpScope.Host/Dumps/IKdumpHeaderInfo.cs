namespace DumpScope.Host.Dumps;

/// <summary>
/// Optional ability of kdump-compressed sources (test with <c>is</c>): header facts other layers fall back
/// on when VMCOREINFO or the kernel's own variables are missing — phys_base for kernel-text translation on
/// kernels without NUMBER(phys_base), nr_cpus when nr_cpu_ids cannot be read.
/// </summary>
public interface IKdumpHeaderInfo
{
    /// <summary>disk_dump_header.header_version.</summary>
    int HeaderVersion { get; }

    /// <summary>makedumpfile's dump level (-d), or null when the header predates it.</summary>
    int? DumpLevel { get; }

    /// <summary>kdump_sub_header.phys_base, or null for diskdump files without a kdump sub-header.</summary>
    long? PhysBase { get; }

    /// <summary>disk_dump_header.nr_cpus.</summary>
    int NrCpus { get; }

    /// <summary>The CPU that wrote the dump (disk_dump_header.current_cpu).</summary>
    int CurrentCpu { get; }

    /// <summary>utsname.release from the header ("" when the writer left it empty, as QEMU does).</summary>
    string UtsRelease { get; }
}
