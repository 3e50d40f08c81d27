namespace DumpScope.Sdk.Linux.Printk;

/// <summary>
/// Offsets of the lockless printk ring buffer (kernel/printk/printk_ringbuffer.h, 5.10+), from BTF when it has
/// the types, else from VMCOREINFO (which exports exactly these for dump tools). When both exist they are compared.
/// </summary>
internal sealed record RingBufferLayout(
    ulong DescRing, ulong TextDataRing,
    ulong CountBits, ulong Descs, ulong Infos, ulong HeadId, ulong TailId,
    ulong SizeBits, ulong Data,
    ulong DescSize, ulong StateVar, ulong TextBlkLpos, ulong LposBegin, ulong LposNext,
    ulong InfoSize, ulong Seq, ulong TsNsec, ulong TextLen, LogLevelFields Levels,
    string Source)
{
    /// <summary>Builds the layout; null with the reason when neither source describes the ring buffer.</summary>
    public static RingBufferLayout? Probe(ITypeCatalog types, VmcoreInfo? info, List<string> notes, out string? problem)
    {
        problem = null;
        RingBufferLayout? btf = FromBtf(types);
        RingBufferLayout? vmci = info is null ? null : FromVmcoreInfo(info);
        if (btf is not null && vmci is not null)
        {
            foreach (var (name, a, b) in new[]
            {
                ("printk_ringbuffer.text_data_ring", btf.TextDataRing, vmci.TextDataRing), ("prb_desc_ring.descs", btf.Descs, vmci.Descs),
                ("prb_desc_ring.infos", btf.Infos, vmci.Infos), ("prb_desc_ring.head_id", btf.HeadId, vmci.HeadId),
                ("prb_desc_ring.tail_id", btf.TailId, vmci.TailId), ("prb_data_ring.data", btf.Data, vmci.Data),
                ("SIZE(prb_desc)", btf.DescSize, vmci.DescSize), ("prb_desc.text_blk_lpos", btf.TextBlkLpos, vmci.TextBlkLpos),
                ("SIZE(printk_info)", btf.InfoSize, vmci.InfoSize), ("printk_info.ts_nsec", btf.TsNsec, vmci.TsNsec),
                ("printk_info.text_len", btf.TextLen, vmci.TextLen),
            })
                if (a != b) notes.Add($"printk layout: BTF says {name}={a}, VMCOREINFO says {b}; BTF used");
        }
        if (btf is null && vmci is null) problem = "neither BTF nor VMCOREINFO describes struct printk_ringbuffer";
        return btf ?? vmci;
    }

    private static RingBufferLayout? FromBtf(ITypeCatalog types)
    {
        var rb = types.FindType("struct printk_ringbuffer")?.Resolve();
        var descRing = types.FindType("struct prb_desc_ring")?.Resolve();
        var dataRing = types.FindType("struct prb_data_ring")?.Resolve();
        var desc = types.FindType("struct prb_desc")?.Resolve();
        var lpos = types.FindType("struct prb_data_blk_lpos")?.Resolve();
        var info = types.FindType("struct printk_info")?.Resolve();
        if (rb is null || descRing is null || dataRing is null || desc is null || lpos is null || info is null) return null;
        try
        {
            return new RingBufferLayout(
                rb.FindMember("desc_ring").Offset, rb.FindMember("text_data_ring").Offset,
                descRing.FindMember("count_bits").Offset, descRing.FindMember("descs").Offset, descRing.FindMember("infos").Offset,
                descRing.FindMember("head_id").Offset, descRing.FindMember("tail_id").Offset,
                dataRing.FindMember("size_bits").Offset, dataRing.FindMember("data").Offset,
                desc.Size, desc.FindMember("state_var").Offset, desc.FindMember("text_blk_lpos").Offset,
                lpos.FindMember("begin").Offset, lpos.FindMember("next").Offset,
                info.Size, info.FindMember("seq").Offset, info.FindMember("ts_nsec").Offset, info.FindMember("text_len").Offset,
                LogLevelFields.Of(info), "BTF");
        }
        catch (TypeNotFoundException)
        {
            return null;
        }
    }

    private static RingBufferLayout? FromVmcoreInfo(VmcoreInfo info)
    {
        bool ok = true;
        ulong O(string key)
        {
            if (info.TryGetOffset(key, out var v)) return (ulong)v;
            ok = false;
            return 0;
        }
        ulong S(string key)
        {
            if (info.TryGetSize(key, out var v)) return (ulong)v;
            ok = false;
            return 0;
        }
        var layout = new RingBufferLayout(
            O("printk_ringbuffer.desc_ring"), O("printk_ringbuffer.text_data_ring"),
            O("prb_desc_ring.count_bits"), O("prb_desc_ring.descs"), O("prb_desc_ring.infos"), O("prb_desc_ring.head_id"), O("prb_desc_ring.tail_id"),
            O("prb_data_ring.size_bits"), O("prb_data_ring.data"),
            S("prb_desc"), O("prb_desc.state_var"), O("prb_desc.text_blk_lpos"), O("prb_data_blk_lpos.begin"), O("prb_data_blk_lpos.next"),
            S("printk_info"), O("printk_info.seq"), O("printk_info.ts_nsec"), O("printk_info.text_len"),
            LogLevelFields.None, "VMCOREINFO");
        return ok ? layout : null;
    }
}
