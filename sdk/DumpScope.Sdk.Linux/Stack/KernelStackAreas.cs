namespace DumpScope.Sdk.Linux.Stack;

/// <summary>
/// The stacks a kernel runs on, found in the dump: each task's stack (<c>task->stack</c>, THREAD_SIZE long),
/// each CPU's hard-IRQ stack (<c>pcpu_hot.hardirq_stack_ptr</c>, before that the per-cpu
/// <c>hardirq_stack_ptr</c>) and its IST exception stacks (the per-cpu <c>cea_exception_stacks</c> pointer
/// into the cpu_entry_area, laid out as struct cea_exception_stacks); on arm64 each CPU's IRQ stack (the per-cpu
/// <c>irq_stack_ptr</c>) and overflow stack (the per-cpu <c>overflow_stack</c>).
/// </summary>
public sealed class KernelStackAreas
{
    // x86-64 THREAD_SIZE and IRQ_STACK_SIZE are 4 pages (order 2), doubled by KASAN's KASAN_STACK_ORDER
    // (arch/x86/include/asm/page_64_types.h): the last resort when the kernel does not say.
    private const ulong DefaultStackSize = 16 << 10;

    // Larger than any THREAD_SIZE x86-64 has had (KASAN doubles 16K): a bigger difference is not a stack size.
    private const ulong MaxStackSize = 1 << 20;

    private readonly IKernel _kernel;
    private readonly Dictionary<int, (IReadOnlyList<StackArea> Areas, IReadOnlyList<string> Problems)> _cpus = [];
    private readonly object _lock = new();

    /// <summary>Creates the reader; nothing is read until asked.</summary>
    public KernelStackAreas(IKernel kernel)
    {
        _kernel = kernel;
        (StackSize, StackSizeOrigin) = ThreadSize(kernel);
        (IrqStackSize, IrqStackSizeOrigin) = IrqStackSizeOf(kernel, StackSize);
    }

    /// <summary>THREAD_SIZE of this kernel: the length of each task's stack.</summary>
    public ulong StackSize { get; }

    /// <summary>How <see cref="StackSize"/> was found ("__end_init_task - __start_init_task").</summary>
    public string StackSizeOrigin { get; }

    /// <summary>IRQ_STACK_SIZE of this kernel: the length of each CPU's hard-IRQ stack.</summary>
    public ulong IrqStackSize { get; }

    /// <summary>How <see cref="IrqStackSize"/> was found.</summary>
    public string IrqStackSizeOrigin { get; }

    /// <summary>
    /// THREAD_SIZE, probed: the init task's stack is THREAD_SIZE long, placed by the linker script between
    /// __start_init_task and __end_init_task (INIT_TASK_DATA in include/asm-generic/vmlinux.lds.h, as in 5.4
    /// and 6.1; a proposed rename calls them __start_init_stack/__end_init_stack, also probed); else
    /// sizeof(struct irq_stack), as x86-64's IRQ_STACK_SIZE equals THREAD_SIZE; else 16K (32K with KASAN).
    /// </summary>
    public static (ulong Size, string Origin) ThreadSize(IKernel kernel)
    {
        foreach (var (first, last) in new[] { ("__start_init_task", "__end_init_task"), ("__start_init_stack", "__end_init_stack") })
            if (kernel.Symbols.TryGetAddress(first, out var start) && kernel.Symbols.TryGetAddress(last, out var end)
                && end > start && end - start <= MaxStackSize && ulong.IsPow2(end - start))
                return (end - start, $"{last} - {first}");
        if (IrqStackType(kernel) is { } irq) return (irq, "sizeof(struct irq_stack) (IRQ_STACK_SIZE equals THREAD_SIZE on x86-64)");
        return kernel.HasSymbol("kasan_early_shadow_page")
            ? (2 * DefaultStackSize, "assumed 32K: 16K doubled by KASAN (no init stack symbols, no struct irq_stack)")
            : (DefaultStackSize, "assumed 16K (no init stack symbols, no struct irq_stack)");
    }

    // IRQ_STACK_SIZE: struct irq_stack is exactly one IRQ stack (arch/x86/include/asm/processor.h, since 5.2).
    private static (ulong Size, string Origin) IrqStackSizeOf(IKernel kernel, ulong threadSize) =>
        IrqStackType(kernel) is { } size ? (size, "sizeof(struct irq_stack)") : (threadSize, "THREAD_SIZE (no struct irq_stack in the types)");

    private static ulong? IrqStackType(IKernel kernel)
    {
        try
        {
            return kernel.Types.FindType("struct irq_stack")?.Resolve() is { Size: > 0 and <= MaxStackSize } type && ulong.IsPow2(type.Size) ? type.Size : null;
        }
        catch (TypeNotFoundException)
        {
            return null;
        }
    }

    /// <summary>A task's kernel stack [task->stack, + THREAD_SIZE).</summary>
    /// <exception cref="Exception">A data problem (see <see cref="KernelDataErrors"/>) when task->stack is unreadable.</exception>
    public StackArea TaskStack(ulong task)
    {
        ulong stack = _kernel.Object("struct task_struct", task)["stack"].ReadPointer();
        if (stack == 0 || !KernelAddress.IsKernel(stack))
            throw new InvalidDataException($"task {task:x}: stack pointer {stack:x} is not a kernel address");
        return new StackArea(stack, stack + StackSize, StackKind.Task, "task stack");
    }

    /// <summary>CPU <paramref name="cpu"/>'s IRQ and exception stacks, with what could not be found.</summary>
    public (IReadOnlyList<StackArea> Areas, IReadOnlyList<string> Problems) CpuStacks(int cpu)
    {
        lock (_lock)
        {
            if (_cpus.TryGetValue(cpu, out var known)) return known;
            var areas = new List<StackArea>();
            var problems = new List<string>();
            if (_kernel.Architecture == "aarch64")
            {
                Arm64CpuStacks(cpu, areas, problems);
                var arm = ((IReadOnlyList<StackArea>)areas, (IReadOnlyList<string>)problems);
                _cpus[cpu] = arm;
                return arm;
            }
            try
            {
                if (IrqStack(cpu) is { } irq) areas.Add(irq);
                else problems.Add($"CPU {cpu}: no IRQ stack pointer (pcpu_hot.hardirq_stack_ptr, hardirq_stack_ptr and irq_stack_ptr are absent or NULL)");
            }
            catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
            {
                problems.Add($"CPU {cpu} IRQ stack: {KernelDataErrors.Reason(e)}");
            }
            try
            {
                areas.AddRange(ExceptionStacks(cpu, problems));
            }
            catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
            {
                problems.Add($"CPU {cpu} exception stacks: {KernelDataErrors.Reason(e)}");
            }
            var result = ((IReadOnlyList<StackArea>)areas, (IReadOnlyList<string>)problems);
            _cpus[cpu] = result;
            return result;
        }
    }

    // arm64: the per-cpu irq_stack_ptr is the IRQ stack's base (init_irq_stacks; call_on_irq_stack adds
    // IRQ_STACK_SIZE, which is THREAD_SIZE), and the per-cpu overflow_stack array is the stack the entry code moves
    // to when the kernel stack overflows (arch/arm64/kernel/traps.c, OVERFLOW_STACK_SIZE long).
    private void Arm64CpuStacks(int cpu, List<StackArea> areas, List<string> problems)
    {
        try
        {
            if (!_kernel.Symbols.TryGetAddress("irq_stack_ptr", out var ptr)) problems.Add($"CPU {cpu}: no irq_stack_ptr symbol: IRQ stack unknown");
            else if (_kernel.Memory.TryReadU64(_kernel.PerCpuPtr(ptr, cpu), out var low, out var fault) && low != 0)
                areas.Add(new StackArea(low, low + IrqStackSize, StackKind.Irq, "IRQ stack", cpu));
            else problems.Add($"CPU {cpu}: irq_stack_ptr unreadable: {fault?.Message ?? "NULL"}");
        }
        catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
        {
            problems.Add($"CPU {cpu} IRQ stack: {KernelDataErrors.Reason(e)}");
        }
        try
        {
            if (_kernel.Symbols.TryGetAddress("overflow_stack", out var overflow))
            {
                // the variable's type is char[OVERFLOW_STACK_SIZE]; SZ_4K (arch/arm64/include/asm/stacktrace.h) without it
                ulong size = _kernel.Types.FindVariableType("overflow_stack")?.Resolve().Size ?? 0;
                if (size is 0 or > MaxStackSize) size = 4096;
                ulong low = _kernel.PerCpuPtr(overflow, cpu);
                areas.Add(new StackArea(low, low + size, StackKind.Exception, "overflow stack", cpu));
            }
        }
        catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
        {
            problems.Add($"CPU {cpu} overflow stack: {KernelDataErrors.Reason(e)}");
        }
    }

    private StackArea? IrqStack(int cpu)
    {
        ulong? top = null;
        // struct pcpu_hot gathered the hot per-cpu variables (6.2); before it hardirq_stack_ptr stood alone.
        if (_kernel.Symbols.TryGetAddress("pcpu_hot", out var hot) && _kernel.Types.FindType("struct pcpu_hot") is { } hotType
            && hotType.Resolve().HasMember("hardirq_stack_ptr"))
            top = _kernel.PerCpu(hotType, hot, cpu)["hardirq_stack_ptr"].ReadPointer();
        else
        {
            // hardirq_stack_ptr was irq_stack_ptr before e6401c130931 (5.2), which pointed into irq_stack_union.
            foreach (string name in new[] { "hardirq_stack_ptr", "irq_stack_ptr" })
                if (_kernel.Symbols.TryGetAddress(name, out var ptr))
                {
                    top = _kernel.Memory.TryReadU64(_kernel.PerCpuPtr(ptr, cpu), out var v, out _) ? v : null;
                    break;
                }
        }
        if (top is not { } t || t == 0) return null;
        // The pointer is at or just below the stack's page-aligned top: the top itself before 951c2a51ae75 (5.12),
        // the top minus one word since (irq_init_percpu_irqstack stores va + IRQ_STACK_SIZE - 8). Rounding up to a
        // page gives the top for both.
        ulong end = (t + 0xfff) & ~0xfffUL;
        return new StackArea(end - IrqStackSize, end, StackKind.Irq, "IRQ stack", cpu);
    }

    private IEnumerable<StackArea> ExceptionStacks(int cpu, List<string> problems)
    {
        if (!_kernel.Symbols.TryGetAddress("cea_exception_stacks", out var symbol))
        {
            problems.Add($"CPU {cpu}: no cea_exception_stacks symbol: exception stacks unknown");
            yield break;
        }
        var type = _kernel.Types.FindType("struct cea_exception_stacks")?.Resolve();
        if (type is null)
        {
            problems.Add("struct cea_exception_stacks is not in the types: exception stacks unknown");
            yield break;
        }
        if (!_kernel.Memory.TryReadU64(_kernel.PerCpuPtr(symbol, cpu), out var stacks, out var fault) || stacks == 0)
        {
            problems.Add($"CPU {cpu}: cea_exception_stacks unreadable: {fault?.Message ?? "NULL"}");
            yield break;
        }
        foreach (var member in type.Members)
        {
            if (!member.Name.EndsWith("_stack", StringComparison.Ordinal)) continue;
            ulong start = stacks + member.BitOffset / 8;
            string which = member.Name[..^"_stack".Length] switch
            {
                "DF" => "DOUBLEFAULT",
                "DB" => "DEBUG",
                var other => other,
            };
            yield return new StackArea(start, start + member.Type.Size, StackKind.Exception, $"{which} exception stack", cpu);
        }
    }
}
