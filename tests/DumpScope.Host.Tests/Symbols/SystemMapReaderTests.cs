using DumpScope.Host.Symbols;

namespace DumpScope.Host.Tests.Symbols;

public sealed class SystemMapReaderTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"dumpscope-map-{Guid.NewGuid():n}");

    public void Dispose() => File.Delete(_path);

    [Fact]
    public void Relocates_kernel_image_symbols_only()
    {
        File.WriteAllText(_path,
            "0000000000000000 D __per_cpu_start\n0000000000034000 D __per_cpu_end\nffffffff81000000 T _stext\n" +
            "ffffffff82a1aa40 D init_task\n\nffffffffc0001000 t mod_func\t[virtio]\n");
        var table = SystemMapReader.Read(_path, 0x1ba00000);
        table.Count.Should().Be(5);
        table.TryGetAddress("__per_cpu_end", out var percpu).Should().BeTrue();
        percpu.Should().Be(0x34000UL);
        table.TryGetAddress("_stext", out var stext).Should().BeTrue();
        stext.Should().Be(0xffffffff9ca00000UL);
        table.TryGetSymbol("mod_func", out var mod).Should().BeTrue("a saved /proc/kallsyms line with a module column is accepted");
        mod.Type.Should().Be('t');
        table.Source.Should().Be($"System.map {Path.GetFileName(_path)}");
    }

    [Theory]
    [InlineData("ffffffff81000000 T _stext\nnot a map line\n", 2, 26)]
    [InlineData("ffffffff81000000 T _stext\nffffffff8100000g T bad_hex\n", 2, 26)]
    [InlineData("ffffffff81000000 T _stext\n1ffffffff81000000 T too_long\n", 2, 26)]
    [InlineData("ffffffff81000000 TT _stext\n", 1, 0)]
    [InlineData("ffffffff81000000 T \n", 1, 0)]
    public void Malformed_lines_name_the_file_line_and_offset(string text, int line, int offset)
    {
        File.WriteAllText(_path, text);
        FluentActions.Invoking(() => SystemMapReader.Read(_path, 0)).Should().Throw<InvalidDataException>()
            .WithMessage($"{_path}: line {line} (offset {offset}): expected 'ADDRESS TYPE NAME' as in a System.map, found '*'");
    }

    [Fact]
    public void An_empty_file_is_not_a_System_map()
    {
        File.WriteAllText(_path, "\n\n");
        FluentActions.Invoking(() => SystemMapReader.Read(_path, 0)).Should().Throw<InvalidDataException>().WithMessage("*no symbols; not a System.map");
    }

    [SkippableFact]
    public void Reads_the_fixture_kernel_map()
    {
        var table = SystemMapReader.Read(Fixtures.SystemMap, 0);
        table.Count.Should().Be(File.ReadLines(Fixtures.SystemMap).Count(l => l.Length > 0));
        table.TryGetAddress("_stext", out var stext).Should().BeTrue();
        stext.Should().Be(0xffffffff81000000UL, "unrelocated: __START_KERNEL_map + 16 MiB");
    }
}
