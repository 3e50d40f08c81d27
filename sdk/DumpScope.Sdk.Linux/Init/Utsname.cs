namespace DumpScope.Sdk.Linux.Init;

/// <summary>The kernel's names (init/version.c): init_utsname(), the <c>struct new_utsname</c> of <c>init_uts_ns</c>.</summary>
public static class Utsname
{
    /// <summary>__NEW_UTS_LEN + 1: every field's size.</summary>
    public const int FieldLength = 65;

    /// <summary>init_utsname(): <c>init_uts_ns.name</c>. Throws <see cref="TypeNotFoundException"/> without the types.</summary>
    public static KernelObject InitUtsname(IKernel kernel) => kernel.Global("init_uts_ns", "struct uts_namespace")["name"];

    /// <summary>One field of init_utsname() ("release", "nodename", "version", "machine"), or null with the reason.</summary>
    public static string? Field(IKernel kernel, string member, out string? problem)
    {
        try
        {
            problem = null;
            return InitUtsname(kernel)[member].ReadString(FieldLength);
        }
        catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
        {
            problem = KernelDataErrors.Reason(e);
            return null;
        }
    }
}
