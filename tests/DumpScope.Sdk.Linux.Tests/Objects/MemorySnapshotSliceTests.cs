namespace DumpScope.Sdk.Linux.Tests.Objects;

/// <summary>MemorySnapshot.Slice and KernelObject.Keep: a small part of a copy kept, its holes cut to it.</summary>
public sealed class MemorySnapshotSliceTests
{
    private const ulong At = 0xffff_8880_0010_0000;

    private static FaultInjectingMemory Memory(SyntheticMemory? m = null)
    {
        m ??= new SyntheticMemory();
        for (ulong i = 0; i < 3 * 4096; i += 8) m.WriteU64(At + i, 0x1000_0000 + i);
        // The middle page is excluded: the copy has a hole there.
        return new FaultInjectingMemory(m).Exclude(At + 4096);
    }

    [Fact]
    public void A_slice_keeps_its_bytes_and_the_part_of_a_hole_inside_it()
    {
        var memory = Memory();
        var whole = MemorySnapshot.Read(memory, At, 3 * 4096, 4096, "thing");
        whole.Holes.Should().ContainSingle().Which.Address.Should().Be(At + 4096);

        var before = whole.Slice(At + 8, 16);
        before.IsComplete.Should().BeTrue();
        before.TryReadUnsigned(At + 16, 8, out var value).Should().BeNull();
        value.Should().Be(0x1000_0010);

        var across = whole.Slice(At + 4000, 200);
        across.Holes.Should().ContainSingle();
        across.Holes[0].Address.Should().Be(At + 4096);
        across.Holes[0].Length.Should().Be(104, "the hole is cut at the slice's end");
        across.TryReadUnsigned(At + 4000, 8, out value).Should().BeNull();
        value.Should().Be(0x1000_0000 + 4000);
        across.TryReadUnsigned(At + 4100, 8, out _).Should().NotBeNull().And.Match<MemoryFault>(f => f.Kind == MemoryFaultKind.Excluded);

        var inside = whole.Slice(At + 5000, 8);
        inside.Holes.Should().ContainSingle().Which.Fault.Address.Should().Be(At + 5000, "a hole cut at its start names the slice's first byte");
        FluentActions.Invoking(() => whole.Slice(At + 3 * 4096 - 4, 8)).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void A_kept_object_reads_its_kept_bytes_from_the_copy_and_the_rest_from_memory()
    {
        var synthetic = new SyntheticKernel();
        var memory = Memory(synthetic.Memory);
        var kernel = new KernelWithMemory(synthetic, memory);
        var type = new IntegerType("unsigned long", 8, false);
        var loaded = new KernelObject(kernel, type, At).Load(3 * 4096);
        var kept = loaded.Keep(24, 8);
        kept.Snapshot!.Length.Should().Be(8);
        kept.Address.Should().Be(At);
        memory.Patch(At + 24, 0xdead);
        memory.Patch(At + 32, 0xbeef);
        kept.Member(new MemberLocation(24 * 8, 0, type)).ReadUnsigned().Should().Be(0x1000_0018, "the kept byte range is the copy's");
        kept.Member(new MemberLocation(32 * 8, 0, type)).ReadUnsigned().Should().Be(0xbeef, "outside it, memory is read");
        loaded.Keep(0, 0).Snapshot.Should().BeNull();
        new KernelObject(kernel, type, At).Keep(0, 8).Snapshot.Should().BeNull("a view without a copy stays one");
    }
}
