using DumpScope.Sdk.Linux.XArray;

namespace DumpScope.Sdk.Linux.Block;

/// <summary>
/// The disks of the block layer and their in-flight I/O. Disks are the devices of <c>block_class</c> whose type is
/// <c>disk_type</c>: the class's devices hang on <c>subsys_private.klist_devices</c> through
/// <c>device_private.knode_class</c>, and the class's subsys_private is <c>block_class.p</c>, or, since commit
/// 2df418cf4b72 "driver core: class: remove subsystem private pointer from struct class" (6.4), the entry of the
/// <c>class_kset</c> list whose <c>class</c> is block_class. The device is <c>block_device.bd_device</c> of the
/// disk's part0 (commit 0d02129e76ed "block: merge struct block_device and struct hd_struct", 5.11), before that
/// <c>gendisk.part0.__dev</c>.
/// </summary>
public static class Disks
{
    /// <summary>Most devices walked on the class list.</summary>
    public const int MaxDevices = 1 << 16;

    /// <summary>MQ_RQ_IN_FLIGHT of enum mq_rq_state (block/blk-mq.h).</summary>
    private const ulong RequestInFlight = 1;

    /// <summary>for_each_disk: every whole disk, in the class list's (registration) order.</summary>
    public static WalkResult<DiskInfo> ForEachDisk(IKernel kernel, CancellationToken cancellation = default)
    {
        ulong blockClass = Symbol(kernel, "block_class");
        ulong diskType = Symbol(kernel, "disk_type");
        ulong subsys = ClassSubsys(kernel, blockClass);
        var sp = StructLayout.Probe(kernel, "struct subsys_private");
        var dp = StructLayout.Probe(kernel, "struct device_private");
        var dev = StructLayout.Probe(kernel, "struct device");
        var disk = StructLayout.Probe(kernel, "struct gendisk");
        ulong kList = sp.Require("klist_devices.k_list").Offset;
        ulong knode = dp.Require("knode_class.n_node").Offset;
        var device = dp.RequireScalar("device");
        var type = dev.RequireScalar("type");
        var walk = KernelLists.ListForEach(kernel.Memory, subsys + kList, MaxDevices, cancellation);
        var disks = new List<DiskInfo>();
        foreach (var node in walk.Items)
        {
            var priv = new KernelObject(kernel, dp.Type, node - knode);
            if (!priv.TryUnsigned(device, out var d, out _) || d == 0) continue;
            if (!new KernelObject(kernel, dev.Type, d).TryUnsigned(type, out var t, out _) || t != diskType) continue;
            disks.Add(Describe(kernel, disk, GendiskOfDevice(kernel, d)));
        }
        return new(disks, walk.End, walk.Problem is null ? null : $"block_class devices: {walk.Problem}");
    }

    /// <summary>
    /// The disk's requests in flight. For a blk-mq queue (q->mq_ops set): the requests in the hardware contexts'
    /// tags (driver and scheduler) that belong to this queue and are MQ_RQ_IN_FLIGHT, by rq_data_dir, as
    /// blk_mq_in_flight counts them; for a bio-based queue the per-cpu <c>disk_stats.in_flight</c> of part0 summed
    /// over the possible CPUs (part_in_flight).
    /// </summary>
    public static InFlight DiskInFlight(IKernel kernel, DiskInfo disk)
    {
        var q = StructLayout.Probe(kernel, "struct request_queue");
        var queue = new KernelObject(kernel, q.Type, disk.Queue);
        if (q.FindScalar("mq_ops") is { } mqOps && queue.Member(mqOps).ReadPointer() != 0)
            return MultiQueueInFlight(kernel, q, queue);
        return PartInFlight(kernel, disk);
    }

    private static InFlight MultiQueueInFlight(IKernel kernel, StructLayout q, KernelObject queue)
    {
        var hctxType = StructLayout.Probe(kernel, "struct blk_mq_hw_ctx");
        var tagsType = StructLayout.Probe(kernel, "struct blk_mq_tags");
        var rqType = StructLayout.Probe(kernel, "struct request");
        var rqQueue = rqType.RequireScalar("q");
        var rqState = rqType.RequireScalar("state");
        var rqFlags = rqType.RequireScalar("cmd_flags");
        var nrTags = tagsType.RequireScalar("nr_tags");
        var rqs = tagsType.RequireScalar("rqs");
        var hctxs = new List<ulong>();
        // The hardware contexts: an xarray hctx_table (commit 4e5cc99e1e48 "blk-mq: manage hctx map via xarray",
        // 5.18), before it the array queue_hw_ctx[nr_hw_queues].
        if (q.Find("hctx_table") is { } table)
            hctxs.AddRange(XArrays.XaForEach(queue.Member(table), 4096).Items.Select(e => e.Value));
        else
        {
            uint count = (uint)queue.Member(q.RequireScalar("nr_hw_queues")).ReadUnsigned();
            ulong array = queue.Member(q.RequireScalar("queue_hw_ctx")).ReadPointer();
            for (uint i = 0; i < Math.Min(count, 4096u); i++) hctxs.Add(kernel.Memory.ReadU64(array + i * 8, "queue_hw_ctx"));
        }
        long read = 0, write = 0;
        var seen = new HashSet<ulong>();
        foreach (var hctx in hctxs.Where(h => h != 0))
        {
            var h = new KernelObject(kernel, hctxType.Type, hctx);
            foreach (var tagsMember in new[] { hctxType.FindScalar("tags"), hctxType.FindScalar("sched_tags") })
            {
                if (tagsMember is null || h.Member(tagsMember).ReadPointer() is var tags && tags == 0) continue;
                var t = new KernelObject(kernel, tagsType.Type, tags);
                uint n = (uint)Math.Min(t.Member(nrTags).ReadUnsigned(), 1 << 16);
                ulong rqArray = t.Member(rqs).ReadPointer();
                if (rqArray == 0) continue;
                var pointers = new byte[n * 8];
                if (kernel.Memory.ReadVirtual(rqArray, pointers).Fault is { } fault) throw new MemoryFaultException(fault);
                for (int i = 0; i < n; i++)
                {
                    ulong rq = BinaryPrimitives.ReadUInt64LittleEndian(pointers.AsSpan(i * 8));
                    if (rq == 0 || !seen.Add(rq)) continue;
                    var r = new KernelObject(kernel, rqType.Type, rq);
                    if (r.Member(rqQueue).ReadPointer() != queue.Address || r.Member(rqState).ReadUnsigned() != RequestInFlight) continue;
                    // rq_data_dir: REQ_OP_WRITE and the other odd operations write (op_is_write: op & 1).
                    if ((r.Member(rqFlags).ReadUnsigned() & 1) != 0) write++;
                    else read++;
                }
            }
        }
        return new InFlight(read, write, true);
    }

    private static InFlight PartInFlight(IKernel kernel, DiskInfo disk)
    {
        var g = StructLayout.Probe(kernel, "struct gendisk");
        var gendisk = new KernelObject(kernel, g.Type, disk.Gendisk);
        ulong stats;
        if (StructLayout.TryProbe(kernel, "struct block_device")?.FindScalar("bd_stats") is { } bdStats && g.FindScalar("part0") is { } part0)
            stats = kernel.Object("struct block_device", gendisk.Member(part0).ReadPointer()).Member(bdStats).ReadPointer();
        else
            stats = gendisk.Member(g.RequireScalar("part0.dkstats")).ReadPointer();
        var statsType = kernel.Types.Require("struct disk_stats");
        long read = 0, write = 0;
        foreach (int cpu in kernel.ForEachPossibleCpu())
        {
            var s = kernel.PerCpu(statsType, stats, cpu);
            read += s["in_flight[0]"].ReadInteger();
            write += s["in_flight[1]"].ReadInteger();
        }
        return new InFlight(read, write, false);
    }

    private static ulong GendiskOfDevice(IKernel kernel, ulong device)
    {
        if (StructLayout.TryProbe(kernel, "struct block_device") is { } bdev && bdev.Find("bd_device") is { } bdDevice)
            return new KernelObject(kernel, bdev.Type, device - bdDevice.Offset).Member(bdev.RequireScalar("bd_disk")).ReadPointer();
        return device - StructLayout.Probe(kernel, "struct gendisk").Require("part0.__dev").Offset;
    }

    private static DiskInfo Describe(IKernel kernel, StructLayout layout, ulong gendisk)
    {
        var g = new KernelObject(kernel, layout.Type, gendisk).Load(layout.Size, "gendisk");
        var why = new List<string>();
        ulong Read(string member)
        {
            if (layout.FindScalar(member) is { } m && g.TryUnsigned(m, out var v, out var r)) return v;
            why.Add($"{member} unreadable");
            return 0;
        }
        uint major = (uint)Read("major"), minor = (uint)Read("first_minor");
        ulong queue = Read("queue"), fops = Read("fops");
        string? name = layout.Find("disk_name") is { } n && g.TryString(n, out var text, out _, 32) ? text : null;
        if (name is null) why.Add("disk_name unreadable");
        return new DiskInfo(gendisk, major, minor, name, queue, fops, why.Count == 0 ? null : string.Join("; ", why));
    }

    private static ulong ClassSubsys(IKernel kernel, ulong cls)
    {
        var classLayout = StructLayout.Probe(kernel, "struct class");
        if (classLayout.FindScalar("p") is { } p) return new KernelObject(kernel, classLayout.Type, cls).Member(p).ReadPointer();
        // 6.4+: class_to_subsys, a search of class_kset's kobjects for the subsys_private of this class.
        ulong kset = kernel.Memory.ReadU64(Symbol(kernel, "class_kset"), "class_kset");
        var sp = StructLayout.Probe(kernel, "struct subsys_private");
        ulong list = StructLayout.Probe(kernel, "struct kset").Require("list").Offset;
        ulong entry = sp.Require("subsys.kobj.entry").Offset;
        var spClass = sp.RequireScalar("class");
        foreach (var node in KernelLists.ListForEach(kernel.Memory, kset + list, MaxDevices).Items)
            if (new KernelObject(kernel, sp.Type, node - entry).Member(spClass).ReadPointer() == cls) return node - entry;
        throw new InvalidDataException("block_class is not registered in class_kset");
    }

    private static ulong Symbol(IKernel kernel, string name) =>
        kernel.Symbols.TryGetAddress(name, out var address) ? address : throw new TypeNotFoundException($"symbol {name} is not in {kernel.Symbols.Source}");
}
