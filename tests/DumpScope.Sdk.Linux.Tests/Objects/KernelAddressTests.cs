using DumpScope.Sdk.Linux.Objects;

namespace DumpScope.Sdk.Linux.Tests.Objects;

/// <summary>The kernel-half test every walker applies to a pointer before following it.</summary>
public sealed class KernelAddressTests
{
    [Theory]
    [InlineData(0xffff_8880_0000_0000UL, true)]   // x86-64 4-level direct map
    [InlineData(0xffff_ffff_8100_0000UL, true)]   // x86-64 kernel image
    [InlineData(0xff11_0000_0000_0000UL, true)]   // x86-64 5-level (LA57) page_offset_base
    [InlineData(0xffff_0000_0000_0000UL, true)]   // arm64 48-bit linear map (PAGE_OFFSET)
    [InlineData(0xfff0_0000_0000_0000UL, true)]   // arm64 52-bit linear map
    [InlineData(0x0000_7fff_ffff_f000UL, false)]  // user space
    [InlineData(0x8000_0000_0000_0000UL, false)]  // neither half
    [InlineData(0UL, false)]
    public void Kernel_halves_of_every_supported_paging_mode_pass_and_the_rest_does_not(ulong address, bool kernel) =>
        KernelAddress.IsKernel(address).Should().Be(kernel);
}
