namespace DumpScope.Host.Tests.Dumps;

public class SyntheticDumpTests
{
    public static TheoryData<TestPageCodec, bool> CodecsAndLayouts()
    {
        var data = new TheoryData<TestPageCodec, bool>();
        foreach (var codec in Enum.GetValues<TestPageCodec>())
        {
            data.Add(codec, false);
            data.Add(codec, true);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(CodecsAndLayouts))]
    public void Kdump_every_codec_and_header_layout_reads_back(TestPageCodec codec, bool header32)
    {
        var w = SyntheticDumps.Standard();
        var image = w.WriteKdump(new KdumpWriterOptions { Codec = codec, Header32Bit = header32 });
        using var file = new TempDumpFile(image.Bytes);
        using var dump = DumpOpener.Open(file.Path);
        dump.FormatName.Should().Be($"kdump-compressed ({codec.ToString().ToLowerInvariant()})");
        dump.MaxPfn.Should().Be(200);
        dump.Describe().Should().Contain(new KeyValuePair<string, string>("header layout", header32 ? "32-bit" : "64-bit"));
        SyntheticDumps.AssertMatches(dump, w);
        SyntheticDumps.AssertNotesAndVmcoreinfo(dump);
    }

    [Fact]
    public void Lzo_literal_only_pages_read_back()
    {
        var w = SyntheticDumps.Standard();
        var image = w.WriteKdump(new KdumpWriterOptions { Codec = TestPageCodec.Lzo, LzoLiteralOnly = true });
        using var file = new TempDumpFile(image.Bytes);
        using var dump = DumpOpener.Open(file.Path);
        SyntheticDumps.AssertMatches(dump, w);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    public void Kdump_header_versions_expose_the_fields_they_have(int version)
    {
        var w = SyntheticDumps.Standard();
        var image = w.WriteKdump(new KdumpWriterOptions { HeaderVersion = version, DumpLevel = 17 });
        using var file = new TempDumpFile(image.Bytes);
        using var dump = DumpOpener.Open(file.Path);
        SyntheticDumps.AssertMatches(dump, w);
        dump.Describe().Should().Contain(new KeyValuePair<string, string>("dump level", "17"));
        if (version >= 3) dump.VmcoreInfo!.OsRelease.Should().Be("6.1.0-test");
        else dump.VmcoreInfo.Should().BeNull("VMCOREINFO offsets appear in header version 3");
        if (version >= 4) SyntheticDumps.AssertNotesAndVmcoreinfo(dump);
        else dump.Cpus.Should().BeEmpty("notes appear in header version 4");
    }

    [Fact]
    public void Header_version_6_max_mapnr_64_wins_over_the_32_bit_field()
    {
        var w = SyntheticDumps.Standard();
        var image = w.WriteKdump();
        // The obsolete 32-bit max_mapnr may be truncated on big machines; version 6 readers use max_mapnr_64.
        BitConverter.GetBytes(150u).CopyTo(image.Bytes, image.HeaderFieldOffsets["max_mapnr"]);
        using var file = new TempDumpFile(image.Bytes);
        using var dump = DumpOpener.Open(file.Path);
        dump.MaxPfn.Should().Be(200);
    }

    [Fact]
    public void Diskdump_signature_reads_pages_without_a_sub_header()
    {
        var w = SyntheticDumps.Standard();
        var image = w.WriteKdump(new KdumpWriterOptions { Signature = "DISKDUMP", HeaderVersion = 0 });
        using var file = new TempDumpFile(image.Bytes);
        using var dump = DumpOpener.Open(file.Path);
        dump.FormatName.Should().Be("diskdump (zlib)");
        SyntheticDumps.AssertMatches(dump, w);
    }

    [Fact]
    public void Qemu_kdump_shares_one_zero_page_and_excludes_nothing()
    {
        var w = SyntheticDumps.Standard();
        w.Excluded.Clear();
        for (ulong p = 110; p < 120; p++) w.AddPage(p, new byte[w.PageSize]);
        var image = w.WriteKdump(new KdumpWriterOptions { QemuStyle = true, Codec = TestPageCodec.Zlib });
        // Every zero page's page_desc points at the same stored page.
        var zeroDescs = w.Pages.Where(p => p.Value.All(b => b == 0)).Select(p => BitConverter.ToInt64(image.Bytes, (int)image.DescOffsets[p.Key])).Distinct();
        zeroDescs.Should().HaveCount(1);
        using var file = new TempDumpFile(image.Bytes);
        using var dump = DumpOpener.Open(file.Path);
        dump.FormatName.Should().Be("QEMU kdump-compressed (zlib)");
        SyntheticDumps.AssertMatches(dump, w);
        ((IDumpPageStatistics)dump).CountPages().Excluded.Should().Be(0);
    }

    [Theory]
    [InlineData(65536, true, false)]
    [InlineData(4096, true, true)]
    [InlineData(1000, false, true)]
    [InlineData(333, true, false)]
    public void Flattened_kdump_reads_like_the_rebuilt_file(int chunk, bool headerLast, bool reverse)
    {
        var w = SyntheticDumps.Standard();
        var image = w.WriteKdump(new KdumpWriterOptions { Codec = TestPageCodec.Zstd });
        using var file = new TempDumpFile(FlattenedWriter.Flatten(image.Bytes, chunk, headerLast, reverse));
        using var dump = DumpOpener.Open(file.Path);
        dump.FormatName.Should().Be("flattened kdump-compressed (zstd)");
        SyntheticDumps.AssertMatches(dump, w);
        SyntheticDumps.AssertNotesAndVmcoreinfo(dump);
    }

    [Fact]
    public void Flattened_later_records_override_earlier_ones_partially()
    {
        var w = SyntheticDumps.Standard();
        var image = w.WriteKdump(new KdumpWriterOptions { Codec = TestPageCodec.None });
        var ms = new MemoryStream();
        var flat = FlattenedWriter.Flatten(image.Bytes, 8192, headerLast: false);
        ms.Write(flat, 0, flat.Length - 16); // drop the end marker, append overrides
        // Damage a range straddling two chunks, then rewrite its middle correctly and its ends too.
        long from = image.DescTableOffset - 100;
        FlattenedWriter.Record(ms, from, new byte[3000]);
        FlattenedWriter.Record(ms, from + 1000, image.Bytes.AsSpan((int)from + 1000, 1000));
        FlattenedWriter.Record(ms, from, image.Bytes.AsSpan((int)from, 1000));
        FlattenedWriter.Record(ms, from + 2000, image.Bytes.AsSpan((int)from + 2000, 1000));
        ms.Write(new byte[] { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff });
        using var file = new TempDumpFile(ms.ToArray());
        using var dump = DumpOpener.Open(file.Path);
        SyntheticDumps.AssertMatches(dump, w);
    }

    [Fact]
    public void Elf_with_excluded_tails_reads_back_and_reports_exclusions()
    {
        var w = SyntheticDumps.Standard();
        using var file = new TempDumpFile(w.WriteElf());
        using var dump = DumpOpener.Open(file.Path);
        dump.FormatName.Should().Be("ELF vmcore");
        dump.MaxPfn.Should().Be(152, "the last PT_LOAD ends after excluded pfn 151");
        SyntheticDumps.AssertMatches(dump, w);
        SyntheticDumps.AssertNotesAndVmcoreinfo(dump);
    }

    [Fact]
    public void Elf_qemu_style_with_alias_and_extended_phnum_reads_back()
    {
        var w = SyntheticDumps.Standard();
        w.Excluded.Clear();
        using var file = new TempDumpFile(w.WriteElf(new ElfWriterOptions { QemuStyle = true, AliasRange = (40, 10), UseExtendedPhnum = true }));
        using var dump = DumpOpener.Open(file.Path);
        dump.FormatName.Should().Be("QEMU ELF");
        SyntheticDumps.AssertMatches(dump, w);
        dump.Cpus.Should().OnlyContain(c => c.Registers.ContainsKey("cr3"));
        dump.Cpus[1].Registers["cr3"].Should().Be(0x5678000UL);
        dump.Cpus[1].Registers["rip"].Should().Be(0xffffffff81000010UL, "PRSTATUS and QEMU notes agree");
    }

    [Fact]
    public void Flattened_elf_reads_back()
    {
        var w = SyntheticDumps.Standard();
        using var file = new TempDumpFile(FlattenedWriter.Flatten(w.WriteElf(), 5000, headerLast: true, reverse: true));
        using var dump = DumpOpener.Open(file.Path);
        dump.FormatName.Should().Be("flattened ELF vmcore");
        SyntheticDumps.AssertMatches(dump, w);
    }

    [Theory]
    [InlineData(TestPageCodec.Zlib)]
    [InlineData(TestPageCodec.Lzo)]
    public void Other_page_sizes_work(TestPageCodec codec)
    {
        var w = SyntheticDumps.Standard(pageSize: 16384);
        var image = w.WriteKdump(new KdumpWriterOptions { Codec = codec });
        using var file = new TempDumpFile(image.Bytes);
        using var dump = DumpOpener.Open(file.Path);
        dump.PageSize.Should().Be(16384);
        SyntheticDumps.AssertMatches(dump, w);
    }

    [Fact]
    public void Positional_reads_without_memory_mapping_read_the_same()
    {
        var w = SyntheticDumps.Standard();
        var options = new DumpOpenOptions { UseMemoryMapping = false };
        foreach (var bytes in new[] { w.WriteKdump().Bytes, w.WriteElf(), FlattenedWriter.Flatten(w.WriteKdump(new KdumpWriterOptions { Codec = TestPageCodec.Lzo }).Bytes, 2000) })
        {
            using var file = new TempDumpFile(bytes);
            using var dump = DumpOpener.Open(file.Path, options);
            SyntheticDumps.AssertMatches(dump, w);
        }
    }
}
