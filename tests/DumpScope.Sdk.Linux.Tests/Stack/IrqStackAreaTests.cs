using DumpScope.Sdk.Linux.Stack;
using DumpScope.Testing.Kernels;

namespace DumpScope.Sdk.Linux.Tests.Stack;

/// <summary>
/// Each CPU's hard-IRQ stack from the per-cpu pointer of each era: irq_stack_ptr (before e6401c130931, 5.2),
/// hardirq_stack_ptr at the stack's top (5.2 to 5.11), and at the top minus 8 (951c2a51ae75, 5.12 on).
/// </summary>
public sealed class IrqStackAreaTests
{
    private const ulong PerCpuVariable = 0x20_0000;
    private const ulong Stack = 0xffffc90000004000UL;

    [Theory]
    [InlineData("irq_stack_ptr", 0UL)]
    [InlineData("hardirq_stack_ptr", 0UL)]
    [InlineData("hardirq_stack_ptr", 8UL)]
    public void The_irq_stack_is_the_page_aligned_irq_stack_size_below_the_pointer(string symbol, ulong belowTop)
    {
        var kernel = new SyntheticKernel();
        kernel.StructAt("struct irq_stack", 16 << 10);
        kernel.Symbols.Add(symbol, PerCpuVariable);
        for (int cpu = 0; cpu < 2; cpu++)
            kernel.Memory.WriteU64(PerCpuVariable + kernel.PerCpuOffset(cpu), Stack + (ulong)cpu * 0x10000 + (16 << 10) - belowTop);

        var areas = new KernelStackAreas(kernel);

        for (int cpu = 0; cpu < 2; cpu++)
        {
            var irq = areas.CpuStacks(cpu).Areas.Single(a => a.Kind == StackKind.Irq);
            irq.Start.Should().Be(Stack + (ulong)cpu * 0x10000);
            irq.End.Should().Be(Stack + (ulong)cpu * 0x10000 + (16 << 10));
        }
    }

    [Fact]
    public void A_cpu_that_never_came_up_has_no_irq_stack_and_says_why()
    {
        var kernel = new SyntheticKernel();
        kernel.Symbols.Add("hardirq_stack_ptr", PerCpuVariable);
        kernel.Memory.WriteU64(PerCpuVariable + kernel.PerCpuOffset(1), 0);

        var (areas, problems) = new KernelStackAreas(kernel).CpuStacks(1);

        areas.Should().NotContain(a => a.Kind == StackKind.Irq);
        problems.Should().Contain(p => p.Contains("CPU 1: no IRQ stack pointer", StringComparison.Ordinal));
    }
}
