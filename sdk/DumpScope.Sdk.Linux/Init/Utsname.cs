namespace DumpScope.Sdk.Linux.Init;

/// <summary>The kernel's names (init/version.c): init_utsname(), the <c>struct new_utsname</c> of <c>init_uts_ns</c>.</summary>
public static class Utsname
{
    // How far into init_uts_ns the untyped search looks for the name (struct uts_namespace is a few hundred bytes).
    private const int Window = 512;

    /// <summary>__NEW_UTS_LEN + 1: every field's size.</summary>
    public const int FieldLength = 65;

    // struct new_utsname (include/uapi/linux/utsname.h, user ABI): six char[65] in this order.
    private static readonly string[] Members = ["sysname", "nodename", "release", "version", "machine", "domainname"];

    /// <summary>init_utsname(): <c>init_uts_ns.name</c>. Throws <see cref="TypeNotFoundException"/> without the types.</summary>
    public static KernelObject InitUtsname(IKernel kernel) => kernel.Global("init_uts_ns", "struct uts_namespace")["name"];

    /// <summary>
    /// One field of init_utsname() ("release", "nodename", "version", "machine"), or null with the reason. Without types
    /// the field is read from <see cref="FindUntyped"/>'s struct new_utsname; <paramref name="how"/> says which.
    /// </summary>
    public static string? Field(IKernel kernel, string member, out string? problem, out string how)
    {
        how = $"init_uts_ns.name.{member}";
        problem = null;
        try
        {
            return InitUtsname(kernel)[member].ReadString(FieldLength);
        }
        catch (TypeNotFoundException) when (UntypedAddress(kernel, member, out var where) is { } address)
        {
            how = where;
            try
            {
                return kernel.Memory.ReadCString(address, FieldLength);
            }
            catch (MemoryFaultException fault)
            {
                problem = fault.Fault.Message;
                return null;
            }
        }
        catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
        {
            problem = KernelDataErrors.Reason(e);
            return null;
        }
    }

    /// <summary>Where <paramref name="member"/> of init_uts_ns's struct new_utsname is without types (<see cref="FindUntyped"/>), or null.</summary>
    public static ulong? UntypedAddress(IKernel kernel, string member, out string how)
    {
        int index = Array.IndexOf(Members, member);
        how = $"init_uts_ns.name.{member}";
        if (index < 0 || FindUntyped(kernel, out var where) is not { } name) return null;
        how = $"{where}, field {member}";
        return name + (ulong)(index * FieldLength);
    }

    /// <summary>One field of init_utsname(), or null with the reason.</summary>
    public static string? Field(IKernel kernel, string member, out string? problem) => Field(kernel, member, out problem, out _);

    /// <summary>
    /// The address of init_uts_ns's struct new_utsname without types. Its fields are user ABI, but what precedes it in
    /// struct uts_namespace changed (a struct kref first on 4.x kernels, the name first once the count moved into
    /// ns_common in 5.11) and __randomize_layout may move it anywhere: the struct is where sysname "Linux" is followed two
    /// fields later by VMCOREINFO's OSRELEASE, within the first 512 bytes. Null when there is no init_uts_ns, no
    /// OSRELEASE or no such place.
    /// </summary>
    public static ulong? FindUntyped(IKernel kernel, out string how)
    {
        how = "init_uts_ns: no untyped match";
        if (!kernel.Symbols.TryGetAddress("init_uts_ns", out var at) || kernel.VmcoreInfo?.OsRelease is not { Length: > 0 } release) return null;
        var bytes = new byte[Window + 3 * FieldLength];
        if (!kernel.Memory.ReadVirtual(at, bytes).IsComplete) return null;
        var sysname = "Linux\0"u8;
        var expected = System.Text.Encoding.ASCII.GetBytes(release + "\0");
        for (int off = 0; off < Window; off++)
        {
            if (!bytes.AsSpan(off).StartsWith(sysname) || !bytes.AsSpan(off + 2 * FieldLength).StartsWith(expected)) continue;
            how = $"init_uts_ns+{off:#x}: struct new_utsname found by content (sysname \"Linux\", release = VMCOREINFO OSRELEASE; no types)";
            return at + (ulong)off;
        }
        return null;
    }
}
