using DumpScope.Host.Types.Dwarf;

namespace DumpScope.Host.Tests.Lines;

/// <summary>The .debug_line reader on <see cref="SyntheticLineProgram"/>, in the DWARF 3, 4 and 5 header formats.</summary>
public sealed class DwarfLineSyntheticTests : IDisposable
{
    private const ulong Base = SyntheticLineProgram.Base;
    private readonly string _directory = Directory.CreateTempSubdirectory("dumpscope-lines-").FullName;
    private readonly List<DwarfElfImage> _opened = [];

    public void Dispose()
    {
        foreach (var image in _opened) image.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private DwarfLineIndex Open(byte[] elf)
    {
        var path = Path.Combine(_directory, $"lines-{_opened.Count}.elf");
        File.WriteAllBytes(path, elf);
        var image = DwarfElfImage.Open(path);
        _opened.Add(image);
        return new DwarfLineIndex(new DwarfFile(image));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Each_address_gets_the_row_at_or_below_it_in_its_sequence(int version)
    {
        var index = Open(SyntheticLineProgram.Elf(version));
        index.Find(Base).Should().Be(new SourceLine("/src/a.c", 10));
        index.Find(Base + 3).Should().Be(new SourceLine("/src/a.c", 10));
        index.Find(Base + 4).Should().Be(new SourceLine("/src/a.c", 11));
        index.Find(Base + 12).Should().Be(new SourceLine("/src/include/b.h", 11));
        index.Find(Base + 31).Should().Be(new SourceLine("/src/include/b.h", 11), "const_add_pc and fixed_advance_pc moved the address to +32");
        index.Find(Base + 35).Should().Be(new SourceLine("/src/include/b.h", 10, 7));
        index.Find(Base + 36).Should().BeNull("the sequence ends there");
        index.Find(Base - 1).Should().BeNull();
        index.Find(1).Should().BeNull("a sequence at address 0 is code the linker discarded");
    }

    [Fact]
    public void A_truncated_program_is_an_error_naming_the_section_and_offset()
    {
        var index = Open(SyntheticLineProgram.Elf(5, line => line[..^20]));
        var act = () => index.Find(Base);
        act.Should().Throw<InvalidDataException>().WithMessage("*.debug_line offset 0x0*runs past*");
    }

    [Fact]
    public void An_unknown_version_is_refused_with_the_version()
    {
        var index = Open(SyntheticLineProgram.Elf(4, line =>
        {
            var copy = line.ToArray();
            copy[4] = 9;
            return copy;
        }));
        var act = () => index.Find(Base);
        act.Should().Throw<InvalidDataException>().WithMessage("*line program version 9*");
    }

    [Fact]
    public void Garbage_ends_in_an_error_or_no_line_never_a_hang()
    {
        var random = new Random(17);
        var other = new List<string>();
        int answered = 0, refused = 0;
        for (int i = 0; i < 200; i++)
        {
            var index = Open(SyntheticLineProgram.Elf(i % 2 == 0 ? 4 : 5, line =>
            {
                var copy = line.ToArray();
                for (int k = 0; k < 4; k++) copy[random.Next(4, copy.Length)] = (byte)random.Next(256);
                return copy;
            }));
            try
            {
                _ = index.Find(Base + (ulong)random.Next(40));
                answered++;
            }
            catch (InvalidDataException)
            {
                refused++;
            }
            catch (Exception e)
            {
                other.Add($"{e.GetType().Name}: {e.Message}");
            }
        }
        other.Should().BeEmpty("malformed line data is an InvalidDataException naming where, nothing else");
        (answered + refused).Should().Be(200);
    }
}
