namespace DumpScope.Sdk.Linux.Stack;

/// <summary>
/// The stacks a kernel runs on, found in the dump: each task's stack (<c>task->stack</c>, THREAD_SIZE long),
/// each CPU's hard-IRQ stack (<c>pcpu_hot.hardirq_stack_ptr</c>, before that the per-cpu
/// <c>hardirq_stack_ptr</c>) and its IST exception stacks (the per-cpu <c>cea_exception_stacks</c> pointer
/// into the cpu_entry_area, laid out as struct cea_exception_stacks).
/// </summary>
public sealed class KernelStackAreas
{
    // x86-64 THREAD_SIZE and IRQ_STACK_SIZE are 4 pages (order 2), doubled by KASAN's KASAN_STACK_ORDER.
    private const ulong DefaultStackSize = 16 << 10;

    private readonly IKernel _kernel;
    private readonly Dictionary<int, (IReadOnlyList<StackArea> Areas, IReadOnlyList<string> Problems)> _cpus = [];
    private readonly object _lock = new();

    /// <summary>Creates the reader; nothing is read until asked.</summary>
    public KernelStackAreas(IKernel kernel)
    {
        _kernel = kernel;
        StackSize = kernel.HasSymbol("kasan_early_shadow_page") ? 2 * DefaultStackSize : DefaultStackSize;
    }

    /// <summary>THREAD_SIZE (and IRQ_STACK_SIZE) of this kernel.</summary>
    public ulong StackSize { get; }

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
            try
            {
                if (IrqStack(cpu) is { } irq) areas.Add(irq);
                else problems.Add($"CPU {cpu}: no IRQ stack pointer (neither pcpu_hot.hardirq_stack_ptr nor hardirq_stack_ptr)");
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

    private StackArea? IrqStack(int cpu)
    {
        ulong? top = null;
        // struct pcpu_hot gathered the hot per-cpu variables (6.2); before it hardirq_stack_ptr stood alone.
        if (_kernel.Symbols.TryGetAddress("pcpu_hot", out var hot) && _kernel.Types.FindType("struct pcpu_hot") is { } hotType
            && hotType.Resolve().HasMember("hardirq_stack_ptr"))
            top = _kernel.PerCpu(hotType, hot, cpu)["hardirq_stack_ptr"].ReadPointer();
        else if (_kernel.Symbols.TryGetAddress("hardirq_stack_ptr", out var ptr))
            top = _kernel.Memory.TryReadU64(_kernel.PerCpuPtr(ptr, cpu), out var v, out _) ? v : null;
        if (top is not { } t || t == 0) return null;
        // The pointer is the stack's top minus one word (irq_init_percpu_irqstack stores va + IRQ_STACK_SIZE - 8).
        ulong end = (t + 8 + 0xfff) & ~0xfffUL;
        return new StackArea(end - StackSize, end, StackKind.Irq, "IRQ stack", cpu);
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
