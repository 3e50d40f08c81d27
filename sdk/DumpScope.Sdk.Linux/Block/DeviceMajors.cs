namespace DumpScope.Sdk.Linux.Block;

/// <summary>
/// The registered device numbers: the character-device regions in fs/char_dev.c's hash <c>chrdevs[255]</c> and the
/// block majors in block/genhd.c's hash <c>major_names[255]</c> (both indexed by major % 255, each bucket a
/// NULL-terminated chain through <c>next</c> kept in major, then minor, order).
/// </summary>
public static class DeviceMajors
{
    /// <summary>CHRDEV_MAJOR_HASH_SIZE and BLKDEV_MAJOR_HASH_SIZE.</summary>
    public const int HashSize = 255;

    /// <summary>Most entries followed in one bucket.</summary>
    public const int MaxChain = 4096;

    /// <summary>The character-device regions, bucket by bucket (crash's <c>dev</c> order); problems per bucket in <paramref name="problems"/>.</summary>
    public static IReadOnlyList<CharDevice> ForEachChrdev(IKernel kernel, List<string> problems, CancellationToken cancellation = default)
    {
        var type = kernel.Types.Require("struct char_device_struct");
        var layout = new StructLayout(type);
        var next = layout.RequireScalar("next");
        var major = layout.RequireScalar("major");
        var baseMinor = layout.RequireScalar("baseminor");
        var count = layout.RequireScalar("minorct");
        var name = layout.Require("name");
        var cdev = layout.FindScalar("cdev");
        var cdevOps = StructLayout.TryProbe(kernel, "struct cdev")?.FindScalar("ops");
        var result = new List<CharDevice>();
        foreach (var node in Buckets(kernel, "chrdevs", next.Offset, problems, cancellation))
        {
            var d = new KernelObject(kernel, type, node).Load(layout.Size, "char_device_struct");
            var why = new List<string>();
            uint Read(ProbedMember m)
            {
                if (d.TryUnsigned(m, out var v, out var r)) return (uint)v;
                why.Add($"{m.Path}: {r}");
                return 0;
            }
            uint mj = Read(major), bm = Read(baseMinor), mc = Read(count);
            string? text = d.TryString(name, out var n, out var r2, 64) ? n : null;
            if (text is null) why.Add($"name: {r2}");
            ulong c = cdev is not null && d.TryUnsigned(cdev, out var cv, out _) ? cv : 0;
            // A region registered apart from its cdev (register_chrdev_region, then cdev_add) has no cdev pointer:
            // the cdev is the data of the cdev_map probe covering the region.
            if (c == 0) c = CdevMapLookup(kernel, mj, bm, mc);
            ulong ops = 0;
            if (c != 0 && cdevOps is not null && !kernel.Object("struct cdev", c).TryUnsigned(cdevOps, out ops, out var r3)) why.Add($"cdev {c:x} ops: {r3}");
            result.Add(new CharDevice(node, mj, bm, mc, text, c, ops, why.Count == 0 ? null : string.Join("; ", why)));
        }
        return result;
    }

    /// <summary>The block-device majors, bucket by bucket; problems per bucket in <paramref name="problems"/>.</summary>
    public static IReadOnlyList<BlockMajor> ForEachBlkdevMajor(IKernel kernel, List<string> problems, CancellationToken cancellation = default)
    {
        var type = kernel.Types.Require("struct blk_major_name");
        var layout = new StructLayout(type);
        var next = layout.RequireScalar("next");
        var major = layout.RequireScalar("major");
        var name = layout.Require("name");
        var result = new List<BlockMajor>();
        foreach (var node in Buckets(kernel, "major_names", next.Offset, problems, cancellation))
        {
            var d = new KernelObject(kernel, type, node).Load(layout.Size, "blk_major_name");
            string? problem = null;
            if (!d.TryUnsigned(major, out var mj, out var why)) problem = $"major: {why}";
            string? text = d.TryString(name, out var n, out why, 16) ? n : null;
            if (text is null) problem = problem is null ? $"name: {why}" : $"{problem}; name: {why}";
            result.Add(new BlockMajor(node, (uint)mj, text, problem));
        }
        return result;
    }

    /// <summary>
    /// kobj_lookup in <c>cdev_map</c> (drivers/base/map.c): the data (a struct cdev) of the probe in bucket
    /// major % 255 registered for the region's first device, else of the first probe whose device range overlaps
    /// minors [<paramref name="baseMinor"/>, +<paramref name="count"/>) of <paramref name="major"/>; 0 when none
    /// (the catch-all base probe has no data).
    /// </summary>
    public static ulong CdevMapLookup(IKernel kernel, uint major, uint baseMinor, uint count)
    {
        if (!kernel.Symbols.TryGetAddress("cdev_map", out var symbol) || StructLayout.TryProbe(kernel, "struct probe") is not { } probe) return 0;
        try
        {
            ulong map = kernel.Memory.ReadU64(symbol, "cdev_map");
            if (!KernelAddress.IsKernel(map)) return 0;
            var next = probe.RequireScalar("next");
            var dev = probe.RequireScalar("dev");
            var range = probe.RequireScalar("range");
            var data = probe.RequireScalar("data");
            ulong first = kernel.Memory.ReadU64(map + (major % HashSize) * 8UL, "kobj_map.probes");
            ulong start = ((ulong)major << MinorBits) | baseMinor, end = start + Math.Max(count, 1);
            ulong overlapping = 0;
            foreach (var node in KernelLists.NullTerminated(kernel.Memory, first, next.Offset, MaxChain).Items)
            {
                var p = new KernelObject(kernel, probe.Type, node).Load(probe.Size, "probe");
                if (!p.TryUnsigned(dev, out var d, out _) || !p.TryUnsigned(range, out var r, out _) || !p.TryUnsigned(data, out var cdev, out _)) continue;
                if (cdev == 0) continue;
                if (d == start) return cdev;
                if (overlapping == 0 && (d <= start ? start - d < r : d < end)) overlapping = cdev;
            }
            return overlapping;
        }
        catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
        {
            return 0;
        }
    }

    /// <summary>MINORBITS: a kernel dev_t is major &lt;&lt; 20 | minor.</summary>
    public const int MinorBits = 20;

    private static IEnumerable<ulong> Buckets(IKernel kernel, string symbol, ulong nextOffset, List<string> problems, CancellationToken cancellation)
    {
        if (!kernel.Symbols.TryGetAddress(symbol, out var table))
            throw new TypeNotFoundException($"symbol {symbol} is not in {kernel.Symbols.Source}");
        var heads = new byte[HashSize * 8];
        var read = kernel.Memory.ReadVirtual(table, heads);
        if (read.Fault is { } fault) throw new MemoryFaultException(fault);
        for (int i = 0; i < HashSize; i++)
        {
            ulong first = BinaryPrimitives.ReadUInt64LittleEndian(heads.AsSpan(i * 8));
            if (first == 0) continue;
            var walk = KernelLists.NullTerminated(kernel.Memory, first, nextOffset, MaxChain, null, cancellation);
            if (walk.Problem is not null) problems.Add($"{symbol}[{i}]: {walk.Problem}");
            foreach (var node in walk.Items) yield return node;
        }
    }
}
