namespace DumpScope.Sdk.Linux.Mm;

/// <summary>The file a VMA maps.</summary>
public static class VmaFile
{
    /// <summary>Longest dentry chain followed when naming a file.</summary>
    public const int MaxPathDepth = 64;

    /// <summary>
    /// The path of the <c>struct file</c> at <paramref name="file"/> inside its own file system:
    /// <c>f_path.dentry-&gt;d_name.name</c> prefixed by its parents' names up to that file system's root (mount
    /// points are not crossed, unlike d_path: a file on a mounted file system shows its path inside it).
    /// Throws <see cref="Memory.MemoryFaultException"/> when a dentry cannot be read.
    /// </summary>
    public static string PathInFileSystem(IKernel kernel, ulong file)
    {
        var dentryType = kernel.Types.Require("struct dentry");
        ulong dentry = kernel.Object("struct file", file)["f_path.dentry"].ReadPointer();
        var parts = new List<string>();
        for (int depth = 0; depth < MaxPathDepth && dentry != 0; depth++)
        {
            var d = new KernelObject(kernel, dentryType, dentry);
            ulong parent = d["d_parent"].ReadPointer();
            var name = d["d_name.name"].ReadString(256);
            if (parent == dentry || parent == 0)
                break;
            parts.Add(name);
            dentry = parent;
        }
        parts.Reverse();
        return "/" + string.Join('/', parts);
    }
}
