namespace DumpScope.Sdk.Linux.Fs;

/// <summary>
/// Paths of dentries as fs/d_path.c builds them: <see cref="DPath"/> (d_path: dentry names up each mount's tree,
/// across mount points to the top of the mount tree) and <see cref="DentryPath"/> (dentry_path_raw: inside the
/// dentry's own file system). Bounded (<see cref="MaxComponents"/>) and cycle-aware: a damaged chain gives the
/// components read so far and a problem, never an exception.
/// </summary>
public static class FsPaths
{
    /// <summary>Most components followed (PATH_MAX 4096 allows at most 2048 names of one byte).</summary>
    public const int MaxComponents = 4096;

    /// <summary>NAME_MAX: a longer d_name is garbage.</summary>
    public const int NameMax = 255;

    /// <summary>MNT_NS_INTERNAL, ERR_PTR(-EINVAL): the mnt_ns of kernel-internal mounts (pipefs, sockfs, shm).</summary>
    private const ulong MntNsInternal = unchecked((ulong)-22L);

    /// <summary>
    /// d_path of (<paramref name="vfsmount"/>, <paramref name="dentry"/>): the names from the dentry up to its mount's
    /// root, then from that mount's mount point in its parent, up to the mount that is its own parent (the namespace
    /// root, or a detached tree). Files of pseudo file systems get the name their d_dname gives
    /// (fs/pipe.c pipefs_dname "pipe:[INO]", net/socket.c sockfs_dname "socket:[INO]", fs/anon_inodes.c
    /// "anon_inode:NAME"), as /proc/PID/fd shows them.
    /// </summary>
    public static FilePath DPath(IKernel kernel, ulong vfsmount, ulong dentry)
    {
        var layout = FsLayout.Of(kernel);
        if (dentry == 0) return new FilePath("", false, false, "no dentry");
        if (PseudoName(kernel, layout, vfsmount, dentry) is { } pseudo) return new FilePath(pseudo, false, false, null);
        var names = new List<string>();
        var seen = new HashSet<(ulong, ulong)>();
        ulong mount = vfsmount == 0 ? 0 : layout.RealMount(vfsmount);
        ulong current = dentry;
        bool detached = false;
        string? problem = null;
        bool deleted = IsUnlinked(kernel, layout, dentry);
        while (true)
        {
            if (!KernelAddress.IsKernel(current)) { problem = $"dentry pointer {current:x} is not a kernel address"; break; }
            if (!seen.Add((mount, current))) { problem = $"dentry {current:x} reached twice (cycle in d_parent or mnt_parent)"; break; }
            if (seen.Count > MaxComponents) { problem = $"stopped after {MaxComponents} components"; break; }
            if (mount != 0)
            {
                var vfs = kernel.Object("struct vfsmount", layout.VfsOf(mount));
                if (!vfs.TryUnsigned(layout.VfsRoot, out var mntRoot, out var why)) { problem = $"mount {mount:x}: {why}"; break; }
                if (current == mntRoot)
                {
                    var m = new KernelObject(kernel, layout.Mount.Type, mount).Load(layout.Mount.Size, "mount");
                    if (!m.TryUnsigned(layout.MountParent, out var parent, out why)
                        || !m.TryUnsigned(layout.MountMountpoint, out var mountpoint, out why)) { problem = $"mount {mount:x}: {why}"; break; }
                    if (parent != mount && parent != 0)
                    {
                        current = mountpoint;
                        mount = parent;
                        continue;
                    }
                    // The top of this mount tree: the namespace's root if the mount is attached to one.
                    if (layout.MountNs is { } ns && m.TryUnsigned(ns, out var nsAddress, out _))
                        detached = nsAddress == 0 || nsAddress == MntNsInternal;
                    break;
                }
            }
            if (!ReadDentry(kernel, layout, current, out var parentDentry, out var name, out var nameProblem))
            {
                problem = nameProblem;
                names.Add("?");
                break;
            }
            if (parentDentry == current || parentDentry == 0) break;
            if (nameProblem is not null) problem ??= nameProblem;
            names.Add(name);
            current = parentDentry;
        }
        names.Reverse();
        string path = "/" + string.Join('/', names);
        if (problem is not null && names.Count > 0 && names[0] == "?") path = "?/" + string.Join('/', names.Skip(1));
        return new FilePath(path, deleted, detached, problem);
    }

    /// <summary>
    /// dentry_path_raw: the path of <paramref name="dentry"/> from the root of its own file system (no mount crossed,
    /// used where no vfsmount is known, e.g. <c>files -d</c>).
    /// </summary>
    public static FilePath DentryPath(IKernel kernel, ulong dentry) => DPath(kernel, 0, dentry);

    /// <summary>d_unlinked: unhashed (d_hash.pprev NULL) and not the root of its tree.</summary>
    public static bool IsUnlinked(IKernel kernel, ulong dentry) => IsUnlinked(kernel, FsLayout.Of(kernel), dentry);

    private static bool IsUnlinked(IKernel kernel, FsLayout layout, ulong dentry)
    {
        if (layout.DentryHashPprev is not { } pprev) return false;
        var d = kernel.Object("struct dentry", dentry);
        return d.TryUnsigned(pprev, out var hashed, out _) && hashed == 0
            && d.TryUnsigned(layout.DentryParent, out var parent, out _) && parent != dentry && parent != 0;
    }

    /// <summary>
    /// The dentry's parent and name. False when the dentry itself is unreadable; true with a problem for a name
    /// that is unreadable or garbage (shown as "?").
    /// </summary>
    internal static bool ReadDentry(IKernel kernel, FsLayout layout, ulong dentry, out ulong parent, out string name, out string? problem)
    {
        name = "?";
        var d = new KernelObject(kernel, layout.Dentry.Type, dentry).Load(layout.Dentry.Size, "dentry");
        if (!d.TryUnsigned(layout.DentryParent, out parent, out var why))
        {
            problem = $"dentry {dentry:x}: {why}";
            return false;
        }
        problem = null;
        if (!d.TryUnsigned(layout.DentryName, out var namePointer, out why)) { problem = $"dentry {dentry:x} name: {why}"; return true; }
        long length = NameMax;
        if (layout.DentryNameLength is { } len && d.TryUnsigned(len, out var l, out _)) length = (long)l;
        if (length > NameMax || !KernelAddress.IsKernel(namePointer))
        {
            problem = $"dentry {dentry:x}: garbage name (pointer {namePointer:x}, length {length})";
            return true;
        }
        var bytes = new byte[length];
        if (length > 0)
        {
            var read = ReadName(d, namePointer, bytes);
            if (read is not null) { problem = $"dentry {dentry:x} name: {read}"; return true; }
        }
        if (Array.IndexOf(bytes, (byte)'/') >= 0 || Array.IndexOf(bytes, (byte)0) >= 0)
        {
            problem = $"dentry {dentry:x}: garbage name (holds '/' or NUL within its {length} bytes)";
            return true;
        }
        name = Encoding.UTF8.GetString(bytes);
        return true;
    }

    private static string? ReadName(KernelObject dentry, ulong pointer, byte[] bytes)
    {
        // Short names live in the dentry itself (d_iname), which the loaded copy already holds.
        if (dentry.Snapshot is { } snapshot && snapshot.Covers(pointer, bytes.Length))
            return snapshot.TryRead(pointer, bytes)?.ToString();
        return dentry.Kernel.Memory.ReadVirtual(pointer, bytes).Fault?.ToString();
    }

    private static string? PseudoName(IKernel kernel, FsLayout layout, ulong vfsmount, ulong dentry)
    {
        try
        {
            var d = kernel.Object("struct dentry", dentry);
            ulong sb = layout.DentrySb is { } dsb ? d.Member(dsb).ReadPointer() : 0;
            if (sb == 0) return null;
            string? type = SuperBlocks.TypeName(kernel, sb);
            string Ino()
            {
                ulong inode = d.Member(layout.DentryInode).ReadPointer();
                return layout.InodeIno is { } ino && inode != 0 ? kernel.Object("struct inode", inode).Member(ino).ReadUnsigned().ToString(CultureInfo.InvariantCulture) : "?";
            }
            return type switch
            {
                "pipefs" => $"pipe:[{Ino()}]",
                "sockfs" => $"socket:[{Ino()}]",
                "anon_inodefs" when ReadDentry(kernel, layout, dentry, out _, out var name, out var problem) && problem is null => "anon_inode:" + name,
                _ => null,
            };
        }
        catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
        {
            return null;
        }
    }
}
