namespace DumpScope.Sdk.Linux.Init;

/// <summary>The kernel's boot command line (init/main.c).</summary>
public static class CommandLine
{
    /// <summary>COMMAND_LINE_SIZE is 2048 on x86; longer is corrupt.</summary>
    public const int MaxLength = 4096;

    /// <summary><c>saved_command_line</c> (a char * set at boot, what /proc/cmdline prints), or null with the reason.</summary>
    public static string? SavedCommandLine(IKernel kernel, out string? problem)
    {
        try
        {
            problem = null;
            if (!kernel.HasSymbol("saved_command_line"))
            {
                problem = "saved_command_line is not in this kernel";
                return null;
            }
            return kernel.Global("saved_command_line", "char *").ReadString(MaxLength);
        }
        catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
        {
            problem = KernelDataErrors.Reason(e);
            return null;
        }
    }
}
