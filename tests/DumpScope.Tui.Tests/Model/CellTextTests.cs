using DumpScope.Sdk.Commands;
using DumpScope.Tui.Model;

namespace DumpScope.Tui.Tests.Model;

public sealed class CellTextTests
{
    [Fact]
    public void Address_IsSixteenHexDigits()
    {
        CellText.Format(Cell.Address(0xffff8880010c1a00)).Should().Be("ffff8880010c1a00");
        CellText.Format(Cell.Address(0x1000)).Should().Be("0000000000001000");
    }

    [Theory]
    [InlineData(64UL, "64")]
    [InlineData(4096UL, "4k")]
    [InlineData(1536UL, "1536")]
    [InlineData(2UL * 1024 * 1024, "2m")]
    [InlineData(3UL * 1024 * 1024 * 1024, "3g")]
    public void Size_UsesSuffixOnlyWhenExact(ulong bytes, string expected) =>
        CellText.Format(Cell.Size(bytes)).Should().Be(expected);

    [Fact]
    public void OtherKinds()
    {
        CellText.Format(Cell.Hex(0x1f)).Should().Be("0x1f");
        CellText.Format(Cell.Int(-5)).Should().Be("-5");
        CellText.Format(Cell.UInt(ulong.MaxValue)).Should().Be("18446744073709551615");
        CellText.Format(Cell.Percent(12.345)).Should().Be("12.3%");
        CellText.Format(Cell.Bool(true)).Should().Be("yes");
        CellText.Format(Cell.Enum("TASK_RUNNING")).Should().Be("TASK_RUNNING");
    }

    [Fact]
    public void Absent_ShowsShortenedReason_AndFullFormKeepsIt()
    {
        var cell = Cell.Unreadable(SampleReason);
        var shown = CellText.Format(cell);
        shown.Should().StartWith("<unreadable: page excluded").And.EndWith("…>");
        shown.Length.Should().Be("<unreadable: ".Length + CellText.ReasonWidth + 1);
        CellText.FormatFull(cell).Should().Be($"<unreadable: {SampleReason}>");
        CellText.Format(Cell.Corrupt("bad magic")).Should().Be("<corrupt: bad magic>");
        CellText.Format(Cell.NotAvailable("no BTF")).Should().Be("<n/a: no BTF>");
        CellText.Format(Cell.NotApplicable()).Should().Be("-");
    }

    [Fact]
    public void Shorten_EdgeCases()
    {
        CellText.Shorten("abc", 3).Should().Be("abc");
        CellText.Shorten("abcd", 3).Should().Be("ab…");
        CellText.Shorten("abcd", 1).Should().Be("…");
        CellText.Shorten("abcd", 0).Should().BeEmpty();
    }

    private const string SampleReason = "page excluded: kernel virtual address: ffff8801263d6000 type: \"kmem_cache\"";
}
