namespace DumpScope.Host.Tests.Kit;

/// <summary>The kit's synthetic memory: images end where their bytes end, as a fuzz input must.</summary>
public sealed class SyntheticMemoryTests
{
    private const ulong Base = 0xffff_ffff_8100_0000;

    [Fact]
    public void A_mapped_image_faults_at_its_first_missing_byte_with_the_bytes_before_it()
    {
        var memory = new SyntheticMemory();
        memory.MapImage(Base, Enumerable.Range(0, 4100).Select(i => (byte)i).ToArray());
        var buffer = new byte[16];

        var read = memory.ReadVirtual(Base + 4090, buffer);

        read.BytesRead.Should().Be(10);
        read.Fault!.Address.Should().Be(Base + 4100);
        read.Fault.Kind.Should().Be(MemoryFaultKind.NotMapped);
        buffer[..10].Should().Equal(Enumerable.Range(4090, 10).Select(i => (byte)i));
        memory.ReadVirtual(Base + 4100, buffer).BytesRead.Should().Be(0);
    }

    [Fact]
    public void Written_pages_stay_whole_and_an_unaligned_image_is_refused()
    {
        var memory = new SyntheticMemory();
        memory.Write(Base, [1, 2, 3]);
        memory.ReadVirtual(Base, new byte[4096]).Fault.Should().BeNull("Write fills whole pages with zeros");
        var map = () => memory.MapImage(Base + 8, [1]);
        map.Should().Throw<ArgumentException>().WithMessage("*not page-aligned*");
    }
}
