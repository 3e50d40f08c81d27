using DumpScope.Sdk.Linux.Panic;

namespace DumpScope.Sdk.Linux.Tests.Panic;

/// <summary>The taint table against include/linux/panic.h's TAINT_* numbering and print_tainted's field.</summary>
public sealed class TaintsTests
{
    [Fact]
    public void Letters_are_indexed_by_taint_bit()
    {
        string.Concat(Taints.Flags.Select(f => f.Letter)).Should().Be("PFSRMBUDAWCIOELKXTNJ");
        Taints.Flags.Select(f => f.Bit).Should().Equal(Enumerable.Range(0, 20));
        Taints.Letters(0).Should().BeEmpty();
        Taints.Letters(1UL << 13).Should().Be("E");
        Taints.Letters((1UL << 12) | (1UL << 13) | (1UL << 9)).Should().Be("WOE");
        Taints.Letters(1UL << 40).Should().Be("?");
        Taints.FlagsOf((1UL << 0) | (1UL << 19)).Select(f => f.Name).Should().Equal("PROPRIETARY_MODULE", "FWCTL");
    }

    [Theory]
    [InlineData("CPU: 2 PID: 175 Comm: sh Kdump: loaded Not tainted 6.1.0-56-cloud-amd64 #1  Debian 6.1.192-2", "")]
    [InlineData("CPU: 1 PID: 149 Comm: sh Kdump: loaded Tainted: G            E     5.10.0-32-cloud-amd64 #1 Debian 5.10.223-1", "E")]
    [InlineData("CPU: 3 PID: 42 Comm: x Tainted: P        W  OE      6.1.0 #1", "PWOE")]
    [InlineData("CPU: 0 PID: 1 Comm: init Tainted: G      D W         6.1.0 #1", "DW")]
    [InlineData("Hardware name: QEMU", null)]
    public void The_tainted_field_of_an_oops_header_gives_the_set_letters(string line, string? letters) =>
        Taints.ParseTaintedField(line).Should().Be(letters);
}
