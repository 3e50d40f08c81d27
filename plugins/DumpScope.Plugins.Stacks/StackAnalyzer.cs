using DumpScope.Sdk.Linux.Stack;
using Microsoft.Extensions.DependencyInjection;

namespace DumpScope.Plugins.Stacks;

/// <summary>
/// The stacks plugin's service: which task runs on which CPU (cpu_curr), the panicking task, task selectors
/// (PID or task address), the task list in crash's foreach order, and the backtraces themselves (through the
/// shared <see cref="KernelBacktracer"/>).
/// </summary>
public sealed class StackAnalyzer(IServiceProvider services)
{
    private readonly object _lock = new();
    private IKernel? _kernelSeen;
    private Dictionary<ulong, int>? _running;
    private List<string> _runningProblems = [];

    /// <summary>The open dump's kernel.</summary>
    public IKernel Kernel => services.GetService<IKernel>() ?? throw new NoDumpException();

    /// <summary>The shared backtracer.</summary>
    public KernelBacktracer Backtracer => KernelBacktracer.Of(Kernel);

    /// <summary>Problems met finding the running tasks.</summary>
    public IReadOnlyList<string> RunningProblems
    {
        get
        {
            _ = Running();
            return _runningProblems;
        }
    }

    /// <summary>Task address → the CPU it was running on (cpu_curr of every online CPU).</summary>
    public IReadOnlyDictionary<ulong, int> Running()
    {
        var kernel = Kernel;
        lock (_lock)
        {
            if (_running is not null && ReferenceEquals(_kernelSeen, kernel)) return _running;
            var running = new Dictionary<ulong, int>();
            var problems = new List<string>();
            foreach (int cpu in kernel.ForEachOnlineCpu())
            {
                try
                {
                    running.TryAdd(Runqueues.CpuCurr(kernel, cpu).Address, cpu);
                }
                catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
                {
                    problems.Add($"CPU {cpu}: cpu_curr unreadable: {KernelDataErrors.Reason(e)}");
                }
            }
            _kernelSeen = kernel;
            _running = running;
            _runningProblems = problems;
            return running;
        }
    }

    /// <summary>The task running on the panicking CPU, or null with why not.</summary>
    public KernelObject? PanicTask(out string why)
    {
        if (Backtracer.PanicCpu is not { } cpu)
        {
            // panic_cpu is an atomic_t: without types it cannot be read, and no task could be anyway
            why = Kernel.Types.TypeNames.Any() ? "no CPU panicked (panic_cpu unset or unknown)" : TypeExtensions.NotKnown(Kernel.Types, "type 'struct task_struct'");
            return null;
        }
        try
        {
            why = "";
            return Runqueues.CpuCurr(Kernel, cpu);
        }
        catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
        {
            why = $"CPU {cpu} panicked but its running task is unreadable: {KernelDataErrors.Reason(e)}";
            return null;
        }
    }

    /// <summary>The tasks a PID or task address names (pid 0 names every idle task).</summary>
    /// <exception cref="UsageException">The selector is neither.</exception>
    public IReadOnlyList<KernelObject> Select(string selector, List<string> warnings)
    {
        if (int.TryParse(selector, NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
        {
            if (pid == 0) return AllTasks(warnings).Where(t => Pid(t) == 0).ToList();
            return KernelTasks.FindTask(Kernel, pid) is { } found ? [found] : AllTasks(warnings).Where(t => Pid(t) == pid).Take(1).ToList();
        }
        if (Arguments.TryParseAddress(selector, out var address) && KernelAddress.IsKernel(address))
            return [Kernel.Object("struct task_struct", address)];
        throw new UsageException($"'{selector}' is neither a PID nor a task address");
    }

    /// <summary>Every task, in crash's foreach order: by pid, the idle tasks by CPU.</summary>
    public IReadOnlyList<KernelObject> AllTasks(List<string> warnings, CancellationToken cancellation = default)
    {
        var walk = KernelTasks.ForEachTask(Kernel, cancellation);
        if (walk.Problem is not null) warnings.Add($"task list: {walk.Problem}");
        return walk.Items.Select(t => (Task: t, Pid: Pid(t) ?? int.MaxValue, Cpu: Cpu(t) ?? 0))
            .OrderBy(t => t.Pid).ThenBy(t => t.Cpu).ThenBy(t => t.Task.Address).Select(t => t.Task).ToList();
    }

    /// <summary>The header facts of a task; unreadable fields are null.</summary>
    internal TaskSummary Summarize(KernelObject task)
    {
        Running().TryGetValue(task.Address, out int running);
        bool isRunning = Running().ContainsKey(task.Address);
        string? state = null;
        try
        {
            state = KernelTasks.TaskStateOf(task).Code;
        }
        catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
        {
            state = null;
        }
        return new TaskSummary(task.Address, Pid(task), Try(() => KernelTasks.TaskComm(task)), isRunning ? running : Cpu(task),
            isRunning ? running : null, state);
    }

    /// <summary>The task's backtrace (from its CPU's registers when it was running).</summary>
    internal Backtrace Trace(TaskSummary task, UnwindOptions options, CancellationToken cancellation) =>
        Backtracer.Task(task.Address, task.RunningCpu, options, cancellation);

    private static int? Pid(KernelObject task) => Try<int?>(() => KernelTasks.TaskPid(task));

    private static int? Cpu(KernelObject task) => Try<int?>(() => KernelTasks.TaskCpu(task));

    private static T? Try<T>(Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
        {
            return default;
        }
    }
}
