using DumpScope.Host.Dumps;
using DumpScope.Testing.DumpWriters;
using DumpScope.Testing.Kallsyms;
using ZstdSharp;

namespace DumpScope.Fuzz;

/// <summary>
/// Writes the seed corpora from the real fixtures (kd1, q1, the kernel's BTF and System.map): the first
/// 64 KiB of each dump, real stored LZO and zlib pages, small complete dumps of every format and codec built
/// with <see cref="DumpWriter"/> from real pages, the real VMCOREINFO, a kallsyms image encoded from real
/// symbol names, and a self-contained slice of the real BTF.
/// </summary>
internal static class CorpusBuilder
{
    private const int HeadBytes = 64 * 1024;
    private const int RealPages = 8;
    private const int BtfTypesKept = 400;

    public static void Build(string fixtures, string output)
    {
        var kd1 = Path.Combine(fixtures, "kd1");
        void Put(string harness, string name, byte[] data)
        {
            var dir = Path.Combine(output, harness);
            Directory.CreateDirectory(dir);
            File.WriteAllBytes(Path.Combine(dir, name), data);
        }

        Put("kdump", "kd1-zlib-head", Head(Path.Combine(kd1, "vmcore.kdump-zlib-d31")));
        Put("kdump", "kd1-lzo-head", Head(Path.Combine(kd1, "vmcore.kdump-lzo-d31")));
        Put("flat", "kd1-flat-head", Head(Path.Combine(kd1, "vmcore.kdump-zlib-d31.flat")));
        Put("elf", "kd1-elf-head", ZstdHead(Path.Combine(kd1, "vmcore.elf-d31.zst")));
        Put("elf", "q1-elf-head", ZstdHead(Path.Combine(fixtures, "q1", "vmcore.elf.zst")));
        var vmcoreinfo = File.ReadAllText(Path.Combine(kd1, "vmcoreinfo.txt"));
        Put("vmcoreinfo", "kd1-vmcoreinfo", Encoding.ASCII.GetBytes(vmcoreinfo));

        var pages = new List<(ulong Pfn, byte[] Data)>();
        using (var lzo = (KdumpDumpSource)DumpOpener.Open(Path.Combine(kd1, "vmcore.kdump-lzo-d31")))
        using (var zlib = (KdumpDumpSource)DumpOpener.Open(Path.Combine(kd1, "vmcore.kdump-zlib-d31")))
        {
            var page = new byte[lzo.PageSize];
            for (ulong pfn = 0x1000; pfn < lzo.MaxPfn && pages.Count < RealPages; pfn += 97)
            {
                if (lzo.ReadPage(pfn, page).State != PageState.Present || page.AsSpan().IndexOfAnyExcept((byte)0) < 0) continue;
                if (lzo.ReadStoredPage(pfn) is not { Codec: PageCompression.Lzo } storedLzo || zlib.ReadStoredPage(pfn) is not { Codec: PageCompression.Zlib } storedZlib) continue;
                pages.Add((pfn, page.ToArray()));
                Put("lzo", $"kd1-pfn-{pfn:x}", storedLzo.Data);
                Put("zlib", $"kd1-pfn-{pfn:x}", storedZlib.Data);
            }
        }

        var writer = new DumpWriter { VmcoreInfo = vmcoreinfo, MaxPfn = 64 };
        for (int i = 0; i < pages.Count; i++) writer.AddPage((ulong)(i * 3), pages[i].Data);
        writer.AddPage(40, new byte[writer.PageSize]);
        writer.Exclude(7).Exclude(8).Exclude(50);
        writer.Cpus.Add(new CpuNote(1, new Dictionary<string, ulong> { ["rip"] = 0xffffffff81000000UL, ["rsp"] = 0xffffc90000003f00UL }, 0x1000));
        writer.Cpus.Add(new CpuNote(0, new Dictionary<string, ulong> { ["rip"] = 0xffffffff81000010UL }));
        foreach (var (data, index) in pages.Select((p, i) => (p.Data, i)))
        {
            Put("lzo", $"synthetic-{index}", writer.CompressPage(data, TestPageCodec.Lzo).Data);
            Put("snappy", $"kd1-page-{index}", writer.CompressPage(data, TestPageCodec.Snappy).Data);
            Put("zstd", $"kd1-page-{index}", writer.CompressPage(data, TestPageCodec.Zstd).Data);
        }

        foreach (var codec in Enum.GetValues<TestPageCodec>())
            Put("kdump", $"synthetic-{codec.ToString().ToLowerInvariant()}", writer.WriteKdump(new KdumpWriterOptions { Codec = codec }).Bytes);
        Put("kdump", "synthetic-diskdump", writer.WriteKdump(new KdumpWriterOptions { Signature = "DISKDUMP", HeaderVersion = 1 }).Bytes);
        Put("kdump", "synthetic-32bit", writer.WriteKdump(new KdumpWriterOptions { Header32Bit = true }).Bytes);
        Put("kdump", "synthetic-qemu", writer.WriteKdump(new KdumpWriterOptions { QemuStyle = true }).Bytes);
        Put("elf", "synthetic", writer.WriteElf());
        Put("elf", "synthetic-qemu", writer.WriteElf(new ElfWriterOptions { QemuStyle = true }));
        Put("elf", "synthetic-pnxnum", writer.WriteElf(new ElfWriterOptions { UseExtendedPhnum = true }));
        var small = writer.WriteKdump(new KdumpWriterOptions { Codec = TestPageCodec.Zlib }).Bytes;
        Put("flat", "synthetic-kdump", FlattenedWriter.Flatten(small, chunkSize: 4096));
        Put("flat", "synthetic-reverse", FlattenedWriter.Flatten(small, chunkSize: 8192, reverse: true));
        Put("flat", "synthetic-elf", FlattenedWriter.Flatten(writer.WriteElf(), chunkSize: 16384, headerLast: false));

        var map = Path.Combine(fixtures, "kernel-6.1.0-56-cloud-amd64", "System.map-6.1.0-56-cloud-amd64");
        var symbols = TextSymbols(map, 120);
        Put("kallsyms", "system-map-relative", KallsymsSeed.Encode(symbols, absolutePercpu: false));
        Put("kallsyms", "system-map-absolute-percpu", KallsymsSeed.Encode(symbols, absolutePercpu: true));
        // The search needs two markers, so more than 256 symbols.
        var more = TextSymbols(map, 300);
        foreach (var layout in new[] { KallsymsLayout.OffsetsFirst, KallsymsLayout.SeqsBetween, KallsymsLayout.OffsetsLast, KallsymsLayout.PlaceRelative, KallsymsLayout.AddressesFirst })
            Put("kallsyms-search", $"system-map-{layout.ToString().ToLowerInvariant()}", KallsymsSeed.EncodeImage(more, layout));

        Put("btf", "vmlinux-slice", BtfSlice.Cut(File.ReadAllBytes(Path.Combine(fixtures, "kernel-6.1.0-56-cloud-amd64", "vmlinux.btf")), BtfTypesKept));
    }

    private static byte[] Head(string path)
    {
        using var file = File.OpenRead(path);
        var head = new byte[Math.Min(HeadBytes, file.Length)];
        file.ReadExactly(head);
        return head;
    }

    private static byte[] ZstdHead(string path)
    {
        using var file = File.OpenRead(path);
        using var decoder = new DecompressionStream(file);
        var head = new byte[HeadBytes];
        int n = decoder.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        return head[..n];
    }

    /// <summary>The first text symbols from _stext on, as (name, address, type).</summary>
    private static List<KernelSymbol> TextSymbols(string systemMap, int count)
    {
        var result = new List<KernelSymbol>();
        bool started = false;
        foreach (var line in File.ReadLines(systemMap))
        {
            var parts = line.Split(' ');
            if (parts.Length != 3) continue;
            if (parts[2] == "_stext") started = true;
            if (!started) continue;
            result.Add(new KernelSymbol(parts[2], Convert.ToUInt64(parts[0], 16), parts[1][0]));
            if (result.Count == count) break;
        }
        return result;
    }
}
