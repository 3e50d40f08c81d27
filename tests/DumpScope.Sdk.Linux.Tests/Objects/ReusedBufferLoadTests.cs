namespace DumpScope.Sdk.Linux.Tests.Objects;

/// <summary>
/// KernelObject.Load into a reused buffer (what TaskReader does for 100,000 task_structs) and
/// KernelObject.TryReadUnsigned(MemberLocation) (a member read without a view of its own): the same values and
/// faults as a fresh load and <c>Member(location).TryReadUnsigned</c>.
/// </summary>
public sealed class ReusedBufferLoadTests
{
    private const ulong At = 0xffff_8880_0010_0000;

    private static (KernelWithMemory Kernel, FaultInjectingMemory Memory) Kernel()
    {
        var synthetic = new SyntheticKernel();
        for (ulong i = 0; i < 4 * 4096; i += 8) synthetic.Memory.WriteU64(At + i, 0x1000_0000 + i);
        var memory = new FaultInjectingMemory(synthetic.Memory).Exclude(At + 4096);
        return (new KernelWithMemory(synthetic, memory), memory);
    }

    [Fact]
    public void A_load_into_a_reused_buffer_reads_like_a_fresh_load_and_zeroes_its_holes()
    {
        var (kernel, _) = Kernel();
        var type = new IntegerType("unsigned long", 8, false);
        var buffer = new byte[3 * 4096];
        Array.Fill(buffer, (byte)0xaa);

        // The second object starts a page later: its hole is the first page of the buffer, which held the first's data.
        var first = new KernelObject(kernel, type, At + 2 * 4096).Load(2 * 4096, "thing", buffer);
        first.Snapshot!.IsComplete.Should().BeTrue();
        first.Snapshot.Length.Should().Be(2 * 4096, "the snapshot is the bytes asked for, not the buffer");
        var second = new KernelObject(kernel, type, At + 4096).Load(2 * 4096, "thing", buffer);
        var fresh = new KernelObject(kernel, type, At + 4096).Load(2 * 4096, "thing");

        second.Snapshot!.Bytes.ToArray().Should().Equal(fresh.Snapshot!.Bytes.ToArray(), "a hole reads as zeros, not as the previous object's bytes");
        second.Snapshot.Holes.Should().BeEquivalentTo(fresh.Snapshot.Holes);
        second.TryReadUnsigned(new MemberLocation(4096 * 8, 0, type), out var value, out var fault).Should().BeTrue();
        value.Should().Be(0x1000_0000 + 2 * 4096);
        fault.Should().BeNull();
        second.TryReadUnsigned(new MemberLocation(8 * 8, 0, type), out _, out fault).Should().BeFalse();
        fault!.Kind.Should().Be(MemoryFaultKind.Excluded);

        var kept = second.Keep(4096, 16);
        buffer.AsSpan().Fill(0x55);
        kept.TryReadUnsigned(new MemberLocation(4096 * 8, 0, type), out value, out _).Should().BeTrue();
        value.Should().Be(0x1000_0000 + 2 * 4096, "what is kept is a copy, not the buffer");
        FluentActions.Invoking(() => new KernelObject(kernel, type, At).Load(64, null, new byte[8])).Should().Throw<ArgumentException>();
    }

    [Fact]
    public void A_member_read_by_location_equals_the_member_view_read_for_scalars_bitfields_and_faults()
    {
        var (kernel, memory) = Kernel();
        memory.Patch(At + 16, 0x0123_4567_89ab_cdef);
        var word = new IntegerType("unsigned long", 8, false);
        var small = new IntegerType("unsigned int", 4, false);
        var objects = new[] { new KernelObject(kernel, word, At), new KernelObject(kernel, word, At).Load(3 * 4096) };
        var locations = new[]
        {
            new MemberLocation(16 * 8, 0, word), new MemberLocation(20 * 8, 0, small),
            new MemberLocation(16 * 8 + 3, 5, small), new MemberLocation(16 * 8 + 60, 9, small), // a bitfield across bytes
            new MemberLocation(4100 * 8, 0, word), // in the excluded page
        };
        foreach (var obj in objects)
            foreach (var location in locations)
            {
                bool viaView = obj.Member(location).TryReadUnsigned(out var expected, out var expectedFault);
                obj.TryReadUnsigned(location, out var value, out var fault).Should().Be(viaView);
                value.Should().Be(expected);
                fault.Should().BeEquivalentTo(expectedFault);
            }
        objects[0].TryReadUnsigned(locations[2], out var bits, out _).Should().BeTrue();
        bits.Should().Be((0xefUL >> 3) & 0x1f);
    }
}
