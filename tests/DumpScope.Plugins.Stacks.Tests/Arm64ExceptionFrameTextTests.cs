using DumpScope.Sdk.Linux.Stack;

namespace DumpScope.Plugins.Stacks.Tests;

/// <summary>arm64 exception frames as crash's arm64_print_exception_frame lays them out (the real dump has only user-mode frames).</summary>
public sealed class Arm64ExceptionFrameTextTests
{
    private const ulong Copy = 0xffff800008a10000, Iter = 0xffff80000855c000;

    private static SymbolMatch? Name(ulong address) => address switch
    {
        >= Copy and < Copy + 0x240 => new SymbolMatch(new KernelSymbol("__arch_copy_to_user", Copy, 'T'), address - Copy),
        >= Iter and < Iter + 0x5a0 => new SymbolMatch(new KernelSymbol("_copy_to_iter", Iter, 'T'), address - Iter),
        _ => null,
    };

    [Fact]
    public void A_kernel_mode_frame_names_PC_and_LR_then_lists_X29_to_X0_three_to_a_line()
    {
        var regs = Arm64PtRegs.FromValues(pc: Copy + 0x180, sp: 0xffff8000082539f0, fp: 0xffff800008253a40, pstate: 0x20400005, lr: Iter + 0xec);
        var lines = BacktraceTable.Arm64Registers(regs, "ignored", Name).Split('\n');

        lines[0].Should().Be("     PC: ffff800008a10180  [__arch_copy_to_user+384]", "crash prints offsets in its default radix, 10");
        lines[1].Should().Be("     LR: ffff80000855c0ec  [_copy_to_iter+236]");
        lines[2].Should().Be("     SP: ffff8000082539f0  PSTATE: 20400005");
        lines[3].Should().Be("    X29: ffff800008253a40  X28: 0000000000000000  X27: 0000000000000000");
        lines.Should().Contain("     X2: 0000000000000000   X1: 0000000000000000   X0: 0000000000000000");
        lines[^1].Should().Be("    ORIG_X0: 0000000000000000  SYSCALLNO: 0");
    }

    [Fact]
    public void A_user_mode_frame_has_PC_LR_and_SP_on_one_line_and_PSTATE_last()
    {
        var regs = Arm64PtRegs.FromValues(pc: 0x44a7cc, sp: 0xfffffb351ba0, fp: 0xfffffb351ba0, pstate: 0x80001000, lr: 0x4ba534);
        var text = BacktraceTable.Arm64Registers(regs, null, Name);

        text.Should().StartWith("     PC: 000000000044a7cc   LR: 00000000004ba534   SP: 0000fffffb351ba0\n    X29: 0000fffffb351ba0");
        text.Should().EndWith("ORIG_X0: 0000000000000000  SYSCALLNO: 0  PSTATE: 80001000");
        BacktraceTable.Arm64Registers(Arm64PtRegs.FromValues(0xffff000012345678, 0, 0, 0x5, 0x1), null, Name)
            .Should().Contain("[unknown or invalid address]", "a PC that is not kernel text");
    }
}
