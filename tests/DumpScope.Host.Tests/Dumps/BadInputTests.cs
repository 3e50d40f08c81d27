using System.IO.Compression;

namespace DumpScope.Host.Tests.Dumps;

public class BadInputTests
{
    private static InvalidDataException OpenFails(byte[] bytes, DumpOpenOptions? options = null)
    {
        using var file = new TempDumpFile(bytes);
        var act = () => DumpOpener.Open(file.Path, options).Dispose();
        var e = act.Should().Throw<InvalidDataException>().Which;
        e.Message.Should().Contain(file.Path, "the message names the file");
        e.Data[DumpErrors.FileKey].Should().Be(file.Path);
        return e;
    }

    private static KdumpImage Standard(TestPageCodec codec = TestPageCodec.Zlib) =>
        SyntheticDumps.Standard().WriteKdump(new KdumpWriterOptions { Codec = codec });

    [Fact]
    public void Empty_file_is_not_a_kernel_dump()
    {
        using var file = new TempDumpFile([]);
        var act = () => DumpOpener.Open(file.Path);
        act.Should().Throw<InvalidDataException>().WithMessage($"not a kernel dump: {file.Path}: empty file");
    }

    [Fact]
    public void Wrong_magic_says_what_was_found_at_offset_0()
    {
        using var file = new TempDumpFile("hello, world! this is text"u8.ToArray());
        var act = () => DumpOpener.Open(file.Path);
        act.Should().Throw<InvalidDataException>()
            .WithMessage($"not a kernel dump: {file.Path}: bytes 68656c6c6f2c20776f726c6421207468 \"hello, world! th\"");
    }

    [Fact]
    public void Zstd_compressed_dump_says_decompress_first()
    {
        var e = OpenFails([0x28, 0xb5, 0x2f, 0xfd, 0, 0, 0, 0]);
        e.Message.Should().StartWith("not a kernel dump:").And.Contain("zstd-compressed data (decompress it first)");
    }

    [Fact]
    public void Missing_file_is_a_file_not_found()
    {
        var act = () => DumpOpener.Open(Path.Combine(Path.GetTempPath(), $"dumpscope-missing-{Guid.NewGuid():N}"));
        act.Should().Throw<FileNotFoundException>();
    }

    [Fact]
    public void Truncated_kdump_header()
    {
        var e = OpenFails(Standard().Bytes[..100]);
        e.Message.Should().Contain("disk_dump_header: expected 464 bytes, the file has 100");
    }

    [Fact]
    public void Truncated_elf_header_and_program_headers()
    {
        var elf = SyntheticDumps.Standard().WriteElf();
        OpenFails(elf[..40]).Message.Should().Contain("ELF header: expected 64 bytes");
        OpenFails(elf[..100]).Message.Should().Contain("program headers").And.Contain("run past the end of the file");
    }

    [Fact]
    public void Elf_limits_are_checked_before_allocating()
    {
        var elf = SyntheticDumps.Standard().WriteElf();
        OpenFails(elf, new DumpOpenOptions { MaxProgramHeaders = 2 }).Message.Should().Contain("at most 2 are accepted");
        var huge = (byte[])elf.Clone();
        BinaryPrimitives.WriteInt64LittleEndian(huge.AsSpan(64 + 32), 1L << 40); // PT_NOTE p_filesz
        OpenFails(huge).Message.Should().Contain("PT_NOTE of 1099511627776 bytes");
    }

    [Fact]
    public void Elf_note_sizes_past_the_blob_are_refused()
    {
        var elf = SyntheticDumps.Standard().WriteElf();
        long notesAt = BinaryPrimitives.ReadInt64LittleEndian(elf.AsSpan(64 + 8));
        BinaryPrimitives.WriteUInt32LittleEndian(elf.AsSpan((int)notesAt + 4), 0x7fffffff); // first note's descsz
        OpenFails(elf).Message.Should().Contain($"at offset 0x{notesAt:x}").And.Contain("run past the end of the notes");
    }

    [Fact]
    public void Elf_of_another_architecture_or_class_is_not_supported()
    {
        var elf = SyntheticDumps.Standard().WriteElf();
        elf[18] = 21; // EM_PPC64 (EM_AARCH64, 183, is read since arm64 support)
        using (var file = new TempDumpFile(elf))
            FluentActions.Invoking(() => DumpOpener.Open(file.Path)).Should().Throw<NotSupportedException>().WithMessage("*e_machine 21*");
        elf[18] = 62;
        elf[4] = 1; // ELFCLASS32
        using (var file = new TempDumpFile(elf))
            FluentActions.Invoking(() => DumpOpener.Open(file.Path)).Should().Throw<NotSupportedException>().WithMessage("*ELF class 1*");
    }

    [Fact]
    public void Bad_block_size_is_refused_with_its_offset()
    {
        var image = Standard();
        int at = image.HeaderFieldOffsets["block_size"];
        BinaryPrimitives.WriteInt32LittleEndian(image.Bytes.AsSpan(at), 3000);
        OpenFails(image.Bytes).Message.Should().Contain($"at offset 0x{at:x}: block_size is 3000");
    }

    [Fact]
    public void Bitmap_shorter_than_max_mapnr_is_refused_without_allocating()
    {
        var image = Standard();
        // Absurd max_mapnr_64 (2^40 frames): the bitmap cannot cover it; nothing that large is allocated.
        BinaryPrimitives.WriteUInt64LittleEndian(image.Bytes.AsSpan((int)image.SubHeaderOffset + 96), 1UL << 40);
        var e = OpenFails(image.Bytes);
        e.Message.Should().Contain("max_mapnr is 1099511627776 frames").And.Contain("the bitmap is shorter than max_mapnr");
    }

    [Fact]
    public void Bitmap_blocks_past_the_end_of_the_file()
    {
        var image = Standard();
        int at = image.HeaderFieldOffsets["bitmap_blocks"];
        BinaryPrimitives.WriteUInt32LittleEndian(image.Bytes.AsSpan(at), 64);
        OpenFails(image.Bytes).Message.Should().Contain("bitmaps: expected 262144 bytes (64 blocks)").And.Contain("the file ends");
        BinaryPrimitives.WriteUInt32LittleEndian(image.Bytes.AsSpan(at), 0x7ffffffe);
        OpenFails(image.Bytes).Message.Should().Contain("each bitmap is 4398046507008 bytes; at most 1073741824 are accepted");
        BinaryPrimitives.WriteUInt32LittleEndian(image.Bytes.AsSpan(at), 3);
        OpenFails(image.Bytes).Message.Should().Contain($"at offset 0x{at:x}: bitmap_blocks is 3, expected a non-zero even count");
    }

    [Fact]
    public void Notes_and_vmcoreinfo_outside_the_file_are_refused()
    {
        var image = Standard();
        int sub = (int)image.SubHeaderOffset;
        var notes = (byte[])image.Bytes.Clone();
        BinaryPrimitives.WriteInt64LittleEndian(notes.AsSpan(sub + 48), image.Bytes.Length - 10);
        OpenFails(notes).Message.Should().Contain("notes (offset_note/size_note)").And.Contain("lie outside the file");
        var vmci = (byte[])image.Bytes.Clone();
        BinaryPrimitives.WriteInt64LittleEndian(vmci.AsSpan(sub + 40), 1L << 40);
        OpenFails(vmci).Message.Should().Contain("VMCOREINFO (offset_vmcoreinfo/size_vmcoreinfo): 1099511627776 bytes; at most");
    }

    [Fact]
    public void Flattened_record_with_negative_size_is_refused()
    {
        var flat = FlattenedWriter.Flatten(Standard().Bytes, 65536, headerLast: false);
        BinaryPrimitives.WriteInt64BigEndian(flat.AsSpan(4096 + 8), -5);
        OpenFails(flat).Message.Should().Contain("at offset 0x1000: flattened record").And.Contain("size -5");
    }

    [Fact]
    public void Flattened_header_with_wrong_type_is_refused()
    {
        var flat = FlattenedWriter.Flatten(Standard().Bytes);
        BinaryPrimitives.WriteInt64BigEndian(flat.AsSpan(16), 7);
        OpenFails(flat).Message.Should().Contain("flattened header type is 7, expected 1");
    }

    [Fact]
    public void Truncated_flattened_file_opens_and_reports_missing_pages_as_truncated()
    {
        var w = SyntheticDumps.Standard();
        var image = w.WriteKdump();
        var flat = FlattenedWriter.Flatten(image.Bytes, 4096, headerLast: false);
        using var file = new TempDumpFile(flat[..(flat.Length - 3000)]);
        using var dump = DumpOpener.Open(file.Path);
        dump.Describe().Should().Contain(kv => kv.Key == "flattened records" && kv.Value.Contains("truncated"));
        var states = w.Pages.Keys.Select(p => dump.ReadPage(p, new byte[4096]).State).ToList();
        states.Should().Contain(PageState.Truncated).And.Contain(PageState.Present).And.NotContain(PageState.Corrupt);
    }

    [Fact]
    public void Page_desc_pointing_beyond_eof_is_a_truncated_page()
    {
        var image = Standard();
        long desc = image.DescOffsets[5];
        BinaryPrimitives.WriteInt64LittleEndian(image.Bytes.AsSpan((int)desc), image.Bytes.Length + 4096L);
        using var file = new TempDumpFile(image.Bytes);
        using var dump = DumpOpener.Open(file.Path);
        var read = dump.ReadPage(5, new byte[4096]);
        read.State.Should().Be(PageState.Truncated);
        read.Detail.Should().Contain("pfn 0x5").And.Contain("run past the end of the file");
        dump.ReadPage(6, new byte[4096]).State.Should().Be(PageState.Present);

        var memory = new DumpPhysicalMemory(dump);
        var buffer = new byte[3 * 4096];
        var result = memory.ReadPhysical(4 * 4096 + 100, buffer);
        result.BytesRead.Should().Be(4096 - 100);
        result.Fault!.Kind.Should().Be(MemoryFaultKind.Truncated);
        result.Fault.Address.Should().Be(5 * 4096UL);
        result.Fault.IsPhysical.Should().BeTrue();
        result.Fault.Message.Should().StartWith("dump truncated: physical address: 5000");
    }

    [Fact]
    public void Truncated_file_makes_later_pages_truncated_not_an_error()
    {
        var w = SyntheticDumps.Standard();
        var image = w.WriteKdump();
        using var file = new TempDumpFile(image.Bytes[..(image.Bytes.Length - 2000)]);
        using var dump = DumpOpener.Open(file.Path);
        dump.ReadPage(100, new byte[4096]).State.Should().Be(PageState.Truncated, "the last page's data was cut off");
        dump.ReadPage(1, new byte[4096]).State.Should().Be(PageState.Present);
    }

    [Fact]
    public void Page_desc_table_cut_by_eof_gives_truncated_pages()
    {
        var image = Standard();
        using var file = new TempDumpFile(image.Bytes[..(int)(image.DescOffsets[40] + 10)]);
        using var dump = DumpOpener.Open(file.Path);
        dump.ReadPage(40, new byte[4096]).Detail.Should().Contain("page_desc of pfn 0x28");
        dump.ReadPage(40, new byte[4096]).State.Should().Be(PageState.Truncated);
    }

    [Fact]
    public void Compressed_page_that_does_not_inflate_to_a_page_is_corrupt()
    {
        var image = Standard();
        long desc = image.DescOffsets[3];
        long dataAt = BinaryPrimitives.ReadInt64LittleEndian(image.Bytes.AsSpan((int)desc));
        uint size = BinaryPrimitives.ReadUInt32LittleEndian(image.Bytes.AsSpan((int)desc + 8));
        var ms = new MemoryStream();
        using (var z = new ZLibStream(ms, CompressionLevel.Optimal, leaveOpen: true)) z.Write(new byte[100]);
        var shortStream = ms.ToArray();
        shortStream.Length.Should().BeLessThan((int)size);
        shortStream.CopyTo(image.Bytes, dataAt);
        BinaryPrimitives.WriteUInt32LittleEndian(image.Bytes.AsSpan((int)desc + 8), (uint)shortStream.Length);
        // Garbage for pfn 4.
        long desc4 = image.DescOffsets[4];
        long data4 = BinaryPrimitives.ReadInt64LittleEndian(image.Bytes.AsSpan((int)desc4));
        image.Bytes.AsSpan((int)data4, 16).Fill(0x5a);

        using var file = new TempDumpFile(image.Bytes);
        using var dump = DumpOpener.Open(file.Path);
        var read = dump.ReadPage(3, new byte[4096]);
        read.State.Should().Be(PageState.Corrupt);
        read.Detail.Should().Contain("inflated to 100 bytes, expected 4096").And.Contain($"file offset 0x{dataAt:x}");
        var garbage = dump.ReadPage(4, new byte[4096]);
        garbage.State.Should().Be(PageState.Corrupt);
        garbage.Detail.Should().Contain("pfn 0x4");

        var fault = new DumpPhysicalMemory(dump).ReadPhysical(3 * 4096 + 8, new byte[8]).Fault;
        fault!.Kind.Should().Be(MemoryFaultKind.Corrupt);
        fault.Address.Should().Be(3 * 4096UL + 8);
    }

    [Theory]
    [InlineData(TestPageCodec.Snappy)]
    [InlineData(TestPageCodec.Zstd)]
    [InlineData(TestPageCodec.Lzo)]
    [InlineData(TestPageCodec.None)]
    public void Damaged_pages_of_every_codec_are_corrupt_not_exceptions(TestPageCodec codec)
    {
        var w = SyntheticDumps.Standard();
        var image = w.WriteKdump(new KdumpWriterOptions { Codec = codec });
        var rng = new Random((int)codec);
        foreach (var (pfn, desc) in image.DescOffsets)
        {
            long at = BinaryPrimitives.ReadInt64LittleEndian(image.Bytes.AsSpan((int)desc));
            uint size = BinaryPrimitives.ReadUInt32LittleEndian(image.Bytes.AsSpan((int)desc + 8));
            if (codec == TestPageCodec.None)
                BinaryPrimitives.WriteUInt32LittleEndian(image.Bytes.AsSpan((int)desc + 8), size - 1);
            else
                for (int i = 0; i < 6; i++) image.Bytes[at + rng.Next((int)size)] ^= 0xff;
        }
        using var file = new TempDumpFile(image.Bytes);
        using var dump = DumpOpener.Open(file.Path);
        var states = w.Pages.Keys.Select(p => dump.ReadPage(p, new byte[4096])).ToList();
        states.Should().OnlyContain(r => r.State == PageState.Present || r.State == PageState.Corrupt);
        states.Should().Contain(r => r.State == PageState.Corrupt);
    }

    [Fact]
    public void Page_desc_with_absurd_size_or_two_codecs_is_corrupt()
    {
        var image = Standard();
        BinaryPrimitives.WriteUInt32LittleEndian(image.Bytes.AsSpan((int)image.DescOffsets[7] + 8), 0xfffffff0);
        BinaryPrimitives.WriteUInt32LittleEndian(image.Bytes.AsSpan((int)image.DescOffsets[8] + 12), 0x3);
        BinaryPrimitives.WriteInt64LittleEndian(image.Bytes.AsSpan((int)image.DescOffsets[9]), 0);
        using var file = new TempDumpFile(image.Bytes);
        using var dump = DumpOpener.Open(file.Path);
        dump.ReadPage(7, new byte[4096]).Should().Match<PageRead>(r => r.State == PageState.Corrupt && r.Detail!.Contains("size 4294967280"));
        dump.ReadPage(8, new byte[4096]).Should().Match<PageRead>(r => r.State == PageState.Corrupt && r.Detail!.Contains("flags 0x3"));
        dump.ReadPage(9, new byte[4096]).State.Should().Be(PageState.Corrupt);
    }

    [Fact]
    public void Zero_page_desc_in_an_incomplete_dump_is_truncated()
    {
        var image = SyntheticDumps.Standard().WriteKdump(new KdumpWriterOptions { ExtraStatus = 0x8 });
        image.Bytes.AsSpan((int)image.DescOffsets[50], 24).Clear();
        using var file = new TempDumpFile(image.Bytes);
        using var dump = DumpOpener.Open(file.Path);
        dump.ReadPage(50, new byte[4096]).Should().Match<PageRead>(r => r.State == PageState.Truncated && r.Detail!.Contains("incomplete"));
        dump.Describe().Should().Contain(kv => kv.Key == "incomplete");
    }

    [Fact]
    public void Random_header_damage_never_escapes_as_another_exception()
    {
        var w = SyntheticDumps.Standard();
        var images = new[]
        {
            w.WriteKdump().Bytes,
            w.WriteKdump(new KdumpWriterOptions { Header32Bit = true, Codec = TestPageCodec.Lzo }).Bytes,
            w.WriteElf(),
            FlattenedWriter.Flatten(w.WriteKdump().Bytes, 3000),
        };
        var rng = new Random(7);
        var page = new byte[1 << 20];
        int opened = 0, refused = 0;
        for (int iteration = 0; iteration < 300; iteration++)
        {
            var bytes = (byte[])images[iteration % images.Length].Clone();
            // Damage the structural part: headers, notes, bitmaps, descriptors (the first 5 blocks).
            int span = Math.Min(bytes.Length, 5 * 4096);
            for (int m = 0; m < 1 + rng.Next(8); m++)
            {
                int at = rng.Next(span);
                bytes[at] = rng.Next(3) == 0 ? (byte)0xff : (byte)rng.Next(256);
            }
            using var file = new TempDumpFile(bytes);
            IDumpSource dump;
            try
            {
                dump = DumpOpener.Open(file.Path);
            }
            catch (Exception e) when (e is InvalidDataException or NotSupportedException)
            {
                refused++;
                continue;
            }
            using (dump)
            {
                opened++;
                dump.Describe().Should().NotBeEmpty();
                if (dump is IDumpPageStatistics stats) stats.CountPages();
                ulong top = Math.Min(dump.MaxPfn + 2, 300);
                for (ulong pfn = 0; pfn < top; pfn++)
                {
                    dump.GetPageState(pfn);
                    if (dump.PageSize <= page.Length) dump.ReadPage(pfn, page);
                }
            }
        }
        (opened + refused).Should().Be(300);
        opened.Should().BeGreaterThan(0);
    }

    [Fact]
    public void Truncated_elf_opens_says_so_and_reports_cut_pages_as_truncated()
    {
        var w = SyntheticDumps.Standard();
        var elf = w.WriteElf();
        using var file = new TempDumpFile(elf[..(elf.Length - 4096 - 100)]);
        using var dump = DumpOpener.Open(file.Path);
        dump.Describe().Should().Contain(kv => kv.Key == "truncated");
        dump.ReadPage(100, new byte[4096]).State.Should().Be(PageState.Truncated, "the last PT_LOAD's data was cut");
        dump.ReadPage(59, new byte[4096]).State.Should().Be(PageState.Truncated, "its last 100 bytes are missing");
        dump.ReadPage(58, new byte[4096]).State.Should().Be(PageState.Present);
    }
}
