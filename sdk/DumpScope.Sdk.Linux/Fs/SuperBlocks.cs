namespace DumpScope.Sdk.Linux.Fs;

/// <summary>Facts of a <c>struct super_block</c>: its file-system type's name and its device name.</summary>
public static class SuperBlocks
{
    /// <summary>sb->s_type->name ("tmpfs", "proc"), or null when unreadable.</summary>
    public static string? TypeName(IKernel kernel, ulong superBlock)
    {
        var layout = FsLayout.Of(kernel);
        if (layout.SbType is not { } sType || layout.FsTypeName is not { } name) return null;
        try
        {
            ulong type = kernel.Object("struct super_block", superBlock).Member(sType).ReadPointer();
            if (!KernelAddress.IsKernel(type)) return null;
            return kernel.Object("struct file_system_type", type).Member(name).ReadString(64);
        }
        catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
        {
            return null;
        }
    }

    /// <summary>sb->s_id (the device's name, "vda1", or the file-system type for device-less ones), or null.</summary>
    public static string? Id(IKernel kernel, ulong superBlock)
    {
        var layout = FsLayout.Of(kernel);
        if (layout.SbId is not { } id) return null;
        return kernel.Object("struct super_block", superBlock).TryString(id, out var value, out _, 32) ? value : null;
    }
}
