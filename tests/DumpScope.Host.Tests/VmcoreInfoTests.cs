namespace DumpScope.Host.Tests;

public class VmcoreInfoTests
{
    [SkippableFact]
    public void Parses_the_real_kd1_note_text()
    {
        var info = VmcoreInfo.Parse(File.ReadAllText(Fixtures.Require("kd1/vmcoreinfo.txt")));
        info.OsRelease.Should().Be("6.1.0-56-cloud-amd64");
        info.PageSize.Should().Be(4096);
        info.KernelOffset.Should().Be(0x1ba00000UL);
        info.TryGetNumber("phys_base", out var physBase).Should().BeTrue();
        physBase.Should().Be(-333447168);
        info.TryGetSymbol("_stext", out var stext).Should().BeTrue();
        stext.Should().Be(0xffffffff9ca00000UL);
        info.TryGetOffset("page._refcount", out var refcount).Should().BeTrue();
        refcount.Should().Be(52);
        info.TryGetSize("page", out var pageSize).Should().BeTrue();
        pageSize.Should().Be(64);
    }

    [Fact]
    public void Ignores_garbage_lines_and_nul_padding()
    {
        var info = VmcoreInfo.Parse("OSRELEASE=x\nno equals sign\n=empty key\nNUMBER(a)=notanumber\0\0\0SYMBOL(b)=1");
        info.OsRelease.Should().Be("x");
        info.TryGetNumber("a", out _).Should().BeFalse();
        info.TryGetSymbol("b", out _).Should().BeFalse("text after the NUL padding is not part of the note");
    }
}
