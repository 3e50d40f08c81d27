using DumpScope.Host.Commands.Builtins;
using Microsoft.Extensions.DependencyInjection;

namespace DumpScope.Host.Tests.Dumps;

/// <summary>A file shorter than its headers describe is found once at open and said in one line.</summary>
public class TruncationTests
{
    /// <summary>A copy of the first half of <paramref name="source"/> in the temp folder, as a cut-short copy would be.</summary>
    private static TempDumpFile FirstHalfOf(string source)
    {
        var bytes = File.ReadAllBytes(source);
        return new TempDumpFile(bytes[..(bytes.Length / 2)], "half");
    }

    [Fact]
    public void Complete_synthetic_dumps_are_not_truncated()
    {
        var w = SyntheticDumps.Standard();
        var kdump = w.WriteKdump();
        foreach (var bytes in new[] { kdump.Bytes, w.WriteElf(), FlattenedWriter.Flatten(kdump.Bytes, 4096) })
        {
            using var file = new TempDumpFile(bytes);
            using var dump = DumpOpener.Open(file.Path);
            dump.Truncation.Should().BeNull(dump.FormatName);
            dump.Describe().Should().NotContain(kv => kv.Key == "truncated");
        }
    }

    [Theory]
    [InlineData(TestPageCodec.Zlib)]
    [InlineData(TestPageCodec.None)]
    public void Kdump_cut_inside_page_data_is_truncated_to_the_last_page_descs_data_end(TestPageCodec codec)
    {
        var w = SyntheticDumps.Standard();
        var image = w.WriteKdump(new KdumpWriterOptions { Codec = codec });
        int cut = image.Bytes.Length - 1500;
        using var file = new TempDumpFile(image.Bytes[..cut]);
        using var dump = DumpOpener.Open(file.Path);
        var t = dump.Truncation!;
        t.Should().NotBeNull();
        t.FileSize.Should().Be(cut);
        t.DescribedSize.Should().Be(image.Bytes.Length, "the writer ends the file with the last page's data");
        t.Detail.Should().Contain("page_desc").And.Contain($"0x{cut:x}");
        dump.Describe().Should().Contain(kv => kv.Key == "truncated" && kv.Value == t.Detail);
    }

    [Fact]
    public void Kdump_cut_inside_the_page_desc_table_gives_the_tables_end_as_a_lower_bound()
    {
        var w = SyntheticDumps.Standard();
        var image = w.WriteKdump();
        int cut = (int)image.DescOffsets[40] + 10;
        using var file = new TempDumpFile(image.Bytes[..cut]);
        using var dump = DumpOpener.Open(file.Path);
        var t = dump.Truncation!;
        t.FileSize.Should().Be(cut);
        t.DescribedSize.Should().Be(image.DescTableOffset + 24L * w.Pages.Count, "the first page_desc points just past the table");
        t.Detail.Should().Contain("page_desc table").And.Contain("lower bound");
    }

    [Fact]
    public void A_damaged_last_page_desc_far_beyond_any_page_is_not_called_truncation()
    {
        var w = SyntheticDumps.Standard();
        var image = w.WriteKdump();
        System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(image.Bytes.AsSpan((int)image.DescOffsets[100]), 1L << 50);
        using var file = new TempDumpFile(image.Bytes);
        using var dump = DumpOpener.Open(file.Path);
        dump.Truncation.Should().BeNull("a page_desc pointing petabytes away is damage; its page read says so");
        dump.ReadPage(100, new byte[4096]).State.Should().Be(PageState.Truncated);
    }

    [Fact]
    public void Elf_cut_inside_a_pt_load_names_the_program_header()
    {
        var w = SyntheticDumps.Standard();
        var elf = w.WriteElf();
        int cut = elf.Length / 2;
        using var file = new TempDumpFile(elf[..cut]);
        using var dump = DumpOpener.Open(file.Path);
        var t = dump.Truncation!;
        t.FileSize.Should().Be(cut);
        t.DescribedSize.Should().Be(elf.Length, "the writer ends the file with the last PT_LOAD's data");
        t.Detail.Should().StartWith("program header").And.Contain("PT_LOAD");
    }

    [Fact]
    public void Flattened_file_cut_in_half_is_truncated_in_file_sizes()
    {
        var w = SyntheticDumps.Standard();
        var image = w.WriteKdump();
        var flat = FlattenedWriter.Flatten(image.Bytes, 4096, headerLast: false);
        int cut = flat.Length / 2;
        using var file = new TempDumpFile(flat[..cut]);
        using var dump = DumpOpener.Open(file.Path);
        var t = dump.Truncation!;
        t.FileSize.Should().Be(cut, "the size on disk, not of the image the records rebuild");
        t.DescribedSize.Should().BeGreaterThan(cut).And.BeLessThanOrEqualTo(flat.Length);
    }

    [Fact]
    public void Message_uses_decimal_units_with_one_decimal()
    {
        new DumpTruncation(8_460_826, 16_921_653, "x").Message
            .Should().Be("dump truncated: file is 8.5 MB, the header describes 16.9 MB; pages past the end are missing");
        DumpTruncation.FormatSize(999).Should().Be("999 bytes");
        DumpTruncation.FormatSize(4L << 40).Should().Be("4.4 TB");
    }

    [SkippableFact]
    public void First_half_of_kd1_opens_says_truncated_once_and_reads_the_pages_it_still_has()
    {
        var source = Fixtures.Kd1Zlib;
        long full = new FileInfo(source).Length;
        using var file = FirstHalfOf(source);
        using var dump = DumpOpener.Open(file.Path);
        var t = dump.Truncation!;
        t.Should().NotBeNull();
        t.FileSize.Should().Be(full / 2);
        // makedumpfile writes page data in frame order and nothing after it at -d 31 (no eraseinfo), so the
        // last page_desc's data ends the complete file.
        t.DescribedSize.Should().Be(full);
        t.Message.Should().Be("dump truncated: file is 8.5 MB, the header describes 16.9 MB; pages past the end are missing");

        using var complete = DumpOpener.Open(source);
        complete.Truncation.Should().BeNull();
        var states = new Dictionary<PageState, int>();
        var page = new byte[4096];
        var expected = new byte[4096];
        for (ulong pfn = 0; pfn < dump.MaxPfn; pfn++)
        {
            if (complete.GetPageState(pfn) != PageState.Present) continue;
            var read = dump.ReadPage(pfn, page);
            states[read.State] = states.GetValueOrDefault(read.State) + 1;
            if (read.State == PageState.Present)
            {
                complete.ReadPage(pfn, expected);
                page.Should().Equal(expected, $"pfn {pfn}");
            }
        }
        states.Keys.Should().BeEquivalentTo([PageState.Present, PageState.Truncated]);
        states[PageState.Present].Should().BeGreaterThan(1000);
        states[PageState.Truncated].Should().BeGreaterThan(1000);
    }

    [SkippableFact]
    public void Dumpinfo_shows_the_truncation_line()
    {
        using var file = FirstHalfOf(Fixtures.Kd1Zlib);
        using var dump = DumpOpener.Open(file.Path);
        var services = new ServiceCollection().AddSingleton(dump).BuildServiceProvider();
        var result = new DumpInfoCommand().Execute(new CommandContext(services, "dumpinfo", CancellationToken.None));
        var fields = result.Blocks.OfType<RecordBlock>().First().Fields.ToDictionary(f => f.Name, f => f.Value);
        fields["truncated"].Value.Should().Be(dump.Truncation!.Message);
    }
}
