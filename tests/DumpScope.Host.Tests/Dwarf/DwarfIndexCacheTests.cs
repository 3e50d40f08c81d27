using DumpScope.Host.Types.Dwarf;

namespace DumpScope.Host.Tests.Dwarf;

/// <summary>The persistent index cache: keyed by build-id, validated against the file, rebuilt when stale or corrupt.</summary>
public sealed class DwarfIndexCacheTests : IDisposable
{
    private static readonly byte[] BuildId = Convert.FromHexString("0123456789abcdef0123456789abcdef01234567");

    private readonly string _directory = Directory.CreateTempSubdirectory("dumpscope-dwarf-cache-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string CacheDirectory => Path.Combine(_directory, "cache");

    private string CacheFile => Path.Combine(CacheDirectory, Convert.ToHexStringLower(BuildId) + ".idx");

    private string WriteElf(int version = 5, byte[]? buildId = null)
    {
        var path = Path.Combine(_directory, "vmlinux");
        File.WriteAllBytes(path, SyntheticDwarf.Build(version).Elf(buildId ?? BuildId));
        return path;
    }

    private DwarfTypeCatalog Open(string path) => DwarfTypeCatalog.Open(path, new DwarfOpenOptions { CacheDirectory = CacheDirectory });

    private static void SameAnswers(DwarfTypeCatalog a, DwarfTypeCatalog b)
    {
        a.TypeNames.Order().Should().Equal(b.TypeNames.Order());
        a.Variables.Should().Equal(b.Variables);
        a.UnitCount.Should().Be(b.UnitCount);
        foreach (var name in new[] { "struct sample", "struct extras", "u32", "enum color", "struct mm" })
        {
            var x = a.FindType(name)!;
            var y = b.FindType(name)!;
            x.DisplayName.Should().Be(y.DisplayName);
            x.Size.Should().Be(y.Size);
            x.Resolve().Members.Select(m => (m.Name, m.BitOffset, m.BitSize, m.Type.DisplayName))
                .Should().Equal(y.Resolve().Members.Select(m => (m.Name, m.BitOffset, m.BitSize, m.Type.DisplayName)));
        }
        a.FindVariableType("spec_var")!.DisplayName.Should().Be(b.FindVariableType("spec_var")!.DisplayName);
    }

    [Fact]
    public void The_first_open_builds_and_saves_the_index_and_the_second_reads_it()
    {
        var path = WriteElf();
        using var first = Open(path);
        first.BuildId.Should().Be(Convert.ToHexStringLower(BuildId));
        first.IndexOrigin.Should().StartWith("built in").And.Contain("cached in " + CacheFile);
        File.Exists(CacheFile).Should().BeTrue();

        using var second = Open(path);
        second.IndexOrigin.Should().Be($"read from cache {CacheFile}");
        SameAnswers(first, second);
        using var uncached = DwarfTypeCatalog.Open(path, new DwarfOpenOptions { UseCache = false });
        uncached.IndexOrigin.Should().Contain("cache off");
        SameAnswers(uncached, second);
    }

    [Theory]
    [InlineData("flipped byte")]
    [InlineData("truncated")]
    [InlineData("empty")]
    [InlineData("garbage")]
    public void A_corrupt_cache_is_ignored_and_rebuilt(string damage)
    {
        var path = WriteElf();
        using (Open(path)) { }
        var bytes = File.ReadAllBytes(CacheFile);
        switch (damage)
        {
            case "flipped byte": bytes[bytes.Length / 2] ^= 0x40; break;
            case "truncated": bytes = bytes[..(bytes.Length * 2 / 3)]; break;
            case "empty": bytes = []; break;
            default: bytes = new byte[4096]; new Random(11).NextBytes(bytes); break;
        }
        File.WriteAllBytes(CacheFile, bytes);

        using var reopened = Open(path);
        reopened.IndexOrigin.Should().StartWith("built in");
        using var reference = DwarfTypeCatalog.Open(path, new DwarfOpenOptions { UseCache = false });
        SameAnswers(reference, reopened);
        using var third = Open(path);
        third.IndexOrigin.Should().StartWith("read from cache", "the rebuilt cache replaced the damaged one");
    }

    [Fact]
    public void A_cache_made_for_another_file_with_the_same_build_id_is_not_used()
    {
        var path = WriteElf(version: 5);
        using (Open(path)) { }
        // Same build-id, other contents (a rebuilt file that kept its id, or a copy modified in place).
        File.WriteAllBytes(path, SyntheticDwarf.Build(4).Elf(BuildId));
        using var reopened = Open(path);
        reopened.IndexOrigin.Should().StartWith("built in").And.Contain("describes another file");
        reopened.FindType("struct extras")!.HasMember("sig").Should().BeFalse("the DWARF 4 file has no type unit");
    }

    [Fact]
    public void A_file_without_build_id_is_indexed_without_a_cache()
    {
        var path = Path.Combine(_directory, "anonymous");
        File.WriteAllBytes(path, SyntheticDwarf.Build(5).Elf());
        using var catalog = Open(path);
        catalog.BuildId.Should().BeNull();
        catalog.IndexOrigin.Should().Contain("no build-id");
        Directory.Exists(CacheDirectory).Should().BeFalse();
    }

    [Fact]
    public void An_unwritable_cache_folder_is_a_note_not_a_failure()
    {
        var path = WriteElf();
        var blocked = Path.Combine(_directory, "blocked");
        File.WriteAllText(blocked, "a file where the cache folder should be");
        using var catalog = DwarfTypeCatalog.Open(path, new DwarfOpenOptions { CacheDirectory = blocked });
        catalog.IndexOrigin.Should().Contain("not cached");
        catalog.FindType("struct sample")!.Size.Should().Be(48);
    }
}
