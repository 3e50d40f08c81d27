using DumpScope.Sdk.Kernel;
using DumpScope.Sdk.Linux;
using DumpScope.Sdk.Linux.Lists;
using DumpScope.Sdk.Memory;
using DumpScope.Sdk.Types;

namespace DumpScope.Plugins.Memory.Tasks;

/// <summary>
/// The VMAs of an mm_struct. 6.1+ keeps them in the maple tree <c>mm-&gt;mm_mt</c> (each VMA stored for
/// [vm_start, vm_end - 1]); older kernels in the list <c>mm-&gt;mmap</c> linked by <c>vm_next</c>. Chosen by
/// probing the members, never by version.
/// </summary>
public static class VmaReader
{
    /// <summary>Most VMAs read (the kernel's default max_map_count is 65530).</summary>
    public const int MaxVmas = 1 << 20;

    /// <summary>Longest dentry chain followed when naming a file.</summary>
    public const int MaxPathDepth = 64;

    /// <summary>The VMAs of the mm at <paramref name="mm"/>, in address order.</summary>
    public static WalkResult<VmaInfo> Read(IKernel kernel, ulong mm, CancellationToken cancellation = default)
    {
        var mmType = kernel.Types.Require("struct mm_struct");
        var vmaType = kernel.Types.Require("struct vm_area_struct");
        var mmObject = new KernelObject(kernel, mmType, mm);
        if (mmType.Resolve().HasMember("mm_mt"))
        {
            var tree = new MapleTree(kernel).Entries(mmObject["mm_mt"].Address, MaxVmas, cancellation);
            var vmas = tree.Items.Select(e =>
            {
                var vma = Describe(kernel, vmaType, e.Entry);
                if (vma.Problem is null && (vma.Start != e.First || vma.End - 1 != e.Last))
                    vma = vma with { Problem = $"the tree stores this VMA for {e.First:x}-{e.Last + 1:x}" };
                return vma;
            }).ToArray();
            return new WalkResult<VmaInfo>(vmas, tree.End, tree.Problem);
        }
        if (mmType.Resolve().HasMember("mmap") && vmaType.Resolve().HasMember("vm_next"))
        {
            ulong first = mmObject["mmap"].ReadPointer();
            ulong nextOffset = vmaType.Resolve().FindMember("vm_next").Offset;
            return KernelLists.NullTerminated(kernel.Memory, first, nextOffset, MaxVmas, null, cancellation).Select(a => Describe(kernel, vmaType, a));
        }
        throw new TypeNotFoundException("struct mm_struct has neither mm_mt (maple tree) nor mmap (VMA list)");
    }

    private static VmaInfo Describe(IKernel kernel, KernelType vmaType, ulong address)
    {
        try
        {
            var vma = new KernelObject(kernel, vmaType, address).Load();
            ulong start = vma["vm_start"].ReadUnsigned(), end = vma["vm_end"].ReadUnsigned(), flags = vma["vm_flags"].ReadUnsigned();
            ulong file = vma["vm_file"].ReadPointer();
            if (file == 0) return new VmaInfo(address, start, end, flags, null, end <= start ? "vm_end is not above vm_start" : null);
            try
            {
                return new VmaInfo(address, start, end, flags, FileName(kernel, file), end <= start ? "vm_end is not above vm_start" : null);
            }
            catch (MemoryFaultException e)
            {
                return new VmaInfo(address, start, end, flags, null, $"file name unreadable: {e.Fault.Message}");
            }
        }
        catch (MemoryFaultException e)
        {
            return new VmaInfo(address, 0, 0, 0, null, e.Fault.Message);
        }
    }

    /// <summary>
    /// vm_file-&gt;f_path.dentry-&gt;d_name.name, prefixed by its parents' names up to the root of the file's own
    /// file system (mount points are not crossed: a file on a mounted file system shows its path inside it).
    /// </summary>
    public static string FileName(IKernel kernel, ulong file)
    {
        var dentryType = kernel.Types.Require("struct dentry");
        ulong dentry = new KernelObject(kernel, kernel.Types.Require("struct file"), file)["f_path.dentry"].ReadPointer();
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
