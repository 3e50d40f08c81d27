using DumpScope.Sdk.Linux.Stack;

namespace DumpScope.Sdk.Linux.Tests.Stack;

/// <summary>The ORC entry layout is decided from the entries, and bits no layout has are refused.</summary>
public sealed class OrcLayoutProbeTests
{
    private static byte[] Table(OrcLayout layout, int count, bool signals)
    {
        var bytes = new List<byte>();
        for (int i = 0; i < count; i++)
        {
            var entry = (i % 10) switch
            {
                0 => new OrcEntry(0, 0, OrcRegister.Undefined, OrcRegister.Undefined, OrcFrameType.EndOfStack, false),
                1 => new OrcEntry(0, 0, OrcRegister.Sp, OrcRegister.Undefined, OrcFrameType.Regs, signals),
                2 => new OrcEntry(16, 0, OrcRegister.Sp, OrcRegister.Undefined, OrcFrameType.RegsPartial, false),
                3 => new OrcEntry(16, -16, OrcRegister.Bp, OrcRegister.PrevSp, OrcFrameType.Call, signals),
                _ => new OrcEntry((short)(8 + 8 * (i % 5)), (short)(-16), OrcRegister.Sp, OrcRegister.PrevSp, OrcFrameType.Call, false),
            };
            bytes.AddRange(SyntheticStacks.Encode(entry, layout));
        }
        return bytes.ToArray();
    }

    [Theory]
    [InlineData(OrcLayout.TypeEnd, false)]
    [InlineData(OrcLayout.TypeEndSignal, true)]
    [InlineData(OrcLayout.TypeSignal, true)]
    [InlineData(OrcLayout.TypeSignal, false)]
    [InlineData(OrcLayout.TypeSignalRenumbered, true)]
    public void Each_layout_is_recognised_and_decodes_back(OrcLayout layout, bool signals)
    {
        var table = Table(layout, 400, signals);
        var probe = OrcLayoutProbe.Probe(table);
        probe.Layout.Should().Be(layout, probe.Evidence);
        OrcDecoder.TryDecode(table.AsSpan(0, 6), layout, out var end).Should().BeTrue();
        end.Type.Should().Be(OrcFrameType.EndOfStack);
        OrcDecoder.TryDecode(table.AsSpan(6, 6), layout, out var regs).Should().BeTrue();
        regs.Type.Should().Be(OrcFrameType.Regs);
        regs.Signal.Should().Be(signals && layout != OrcLayout.TypeEnd);
        OrcDecoder.TryDecode(table.AsSpan(18, 6), layout, out var frame).Should().BeTrue();
        (frame.SpRegister, frame.BpRegister).Should().Be((OrcRegister.Bp, OrcRegister.PrevSp), "a frame-pointer body in every numbering");
    }

    [Fact]
    public void The_renumbered_set_maps_the_registers_7_3_uses_and_refuses_the_others()
    {
        // Debian 7.3.4's __schedule body: CFA = BP + 16, BP saved at CFA - 16, CALL (word 0x284)
        OrcDecoder.TryDecode(new byte[] { 16, 0, 0xf0, 0xff, 0x84, 0x02 }, OrcLayout.TypeSignalRenumbered, out var e).Should().BeTrue();
        (e.SpRegister, e.BpRegister, e.Type, e.SpOffset, e.BpOffset).Should().Be((OrcRegister.Bp, OrcRegister.PrevSp, OrcFrameType.Call, (short)16, (short)-16));
        OrcDecoder.TryDecode(new byte[] { 8, 0, 0, 0, 0x03, 0x02 }, OrcLayout.TypeSignalRenumbered, out var leaf).Should().BeTrue();
        leaf.SpRegister.Should().Be(OrcRegister.Sp);
        OrcDecoder.TryDecode(new byte[] { 8, 0, 0, 0, 0x05, 0x02 }, OrcLayout.TypeSignalRenumbered, out _).Should().BeFalse("5 is unused in that set");
        OrcDecoder.TryDecode(new byte[] { 8, 0, 0, 0, 0x03, 0x02 }, OrcLayout.TypeSignal, out var di).Should().BeTrue();
        di.SpRegister.Should().Be(OrcRegister.Di, "the same bits in the original numbering");
    }

    [Fact]
    public void Random_bytes_are_not_ORC_data()
    {
        var random = new Random(5);
        var bytes = new byte[6 * 500];
        random.NextBytes(bytes);
        var probe = OrcLayoutProbe.Probe(bytes);
        probe.Layout.Should().BeNull();
        probe.Evidence.Should().Contain("do not decode");
    }

    [Fact]
    public void The_old_layouts_refuse_bits_they_do_not_have()
    {
        var word = new byte[] { 0, 0, 0, 0, 0x05, 0x08 };
        OrcDecoder.TryDecode(word, OrcLayout.TypeEnd, out _).Should().BeFalse("bit 11 did not exist before the signal field");
        OrcDecoder.TryDecode(word, OrcLayout.TypeEndSignal, out var e).Should().BeTrue();
        e.Signal.Should().BeTrue();
        OrcDecoder.TryDecode(new byte[] { 0, 0, 0, 0, 0x05, 0x05 }, OrcLayout.TypeSignal, out _).Should().BeFalse("type 5 does not exist");
        OrcDecoder.TryDecode(new byte[] { 0, 0, 0, 0, 0x0f, 0x00 }, OrcLayout.TypeEnd, out _).Should().BeFalse("register 15 does not exist");
    }
}
