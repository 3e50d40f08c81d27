using DumpScope.Sdk.Dumps;
using DumpScope.Sdk.Linux.Mm;

namespace DumpScope.Sdk.Linux.Tests.Mm;

/// <summary>
/// The free-page counter of a kernel without types (Ubuntu's 4.15): the enums are unknown, VMCOREINFO's
/// NUMBER(NR_FREE_PAGES) gives the zone_stat_item index into vm_zone_stat (4.8+) or vm_stat (before).
/// </summary>
public sealed class VmStatUntypedTests
{
    [Theory]
    [InlineData("vm_zone_stat")]
    [InlineData("vm_stat")]
    public void NR_FREE_PAGES_is_read_at_VMCOREINFOs_index_of_the_zone_counters(string array)
    {
        const ulong at = 0xffffffff82e5c000UL;
        var kernel = new SyntheticKernel(new SyntheticTypes()) { VmcoreInfo = VmcoreInfo.Parse("OSRELEASE=4.15.0\nNUMBER(NR_FREE_PAGES)=1\n") };
        kernel.Symbols.Add(array, at);
        kernel.Memory.WriteU64(at, 111);
        kernel.Memory.WriteU64(at + 8, 54044);

        new VmStat(kernel).TryRead("NR_FREE_PAGES", out var value, out var source).Should().BeTrue(source);
        value.Should().Be(54044);
        source.Should().Contain(array).And.Contain("VMCOREINFO NUMBER(NR_FREE_PAGES)=1");
    }

    [Fact]
    public void A_counter_VMCOREINFO_does_not_number_says_the_types_are_missing()
    {
        var kernel = new SyntheticKernel(new SyntheticTypes()) { VmcoreInfo = VmcoreInfo.Parse("OSRELEASE=4.15.0\nNUMBER(NR_FREE_PAGES)=0\n") };
        kernel.Symbols.Add("vm_node_stat", 0xffffffff82e5c000UL);

        new VmStat(kernel).TryRead("NR_FILE_PAGES", out _, out var source).Should().BeFalse();
        source.Should().Contain("NR_FILE_PAGES").And.Contain("is needed but the session has");
    }
}
