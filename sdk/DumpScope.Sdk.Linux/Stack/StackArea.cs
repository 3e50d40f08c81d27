namespace DumpScope.Sdk.Linux.Stack;

/// <summary>What kind of stack an area is.</summary>
public enum StackKind
{
    /// <summary>A task's kernel stack (task->stack, THREAD_SIZE bytes).</summary>
    Task,
    /// <summary>A CPU's hard-IRQ stack.</summary>
    Irq,
    /// <summary>One of a CPU's IST exception stacks (NMI, #DF, #DB, #MC, #VC) in the cpu_entry_area.</summary>
    Exception,
}

/// <summary>A stack's address range [Start, End).</summary>
/// <param name="Start">Lowest address.</param>
/// <param name="End">One past the highest address (the stack's top).</param>
/// <param name="Kind">What stack it is.</param>
/// <param name="Name">crash's name for it in a stack-switch line: "IRQ stack", "NMI exception stack", "task stack".</param>
/// <param name="Cpu">The CPU owning a per-CPU stack, null for a task stack.</param>
public sealed record StackArea(ulong Start, ulong End, StackKind Kind, string Name, int? Cpu = null)
{
    /// <summary>True when [address, address + length) lies inside.</summary>
    public bool Contains(ulong address, ulong length = 8) => address >= Start && address <= End && End - address >= length;

    /// <inheritdoc/>
    public override string ToString() => $"{Name} {Start:x}-{End:x}";
}
