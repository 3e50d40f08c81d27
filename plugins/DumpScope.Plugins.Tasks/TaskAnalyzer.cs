using Microsoft.Extensions.DependencyInjection;

namespace DumpScope.Plugins.Tasks;

/// <summary>
/// The tasks plugin's service: probes the task layout once per dump, enumerates tasks through independent
/// walks (<see cref="TaskTable"/>, cached once complete: a dump does not change), computes memory usage,
/// resolves PID/address/command selectors, and counts children. Commands and other plugins use it.
/// </summary>
public sealed class TaskAnalyzer
{
    private readonly IServiceProvider _services;
    private readonly Lazy<TaskStateDecoder> _states;
    private readonly object _lock = new();
    private TaskTable? _table;
    private MemoryUsageReader? _usage;

    /// <summary>Created by DI; the kernel is resolved when first used.</summary>
    public TaskAnalyzer(IServiceProvider services)
    {
        _services = services;
        _states = new Lazy<TaskStateDecoder>(() => TaskStateDecoder.FromKernel(Kernel));
    }

    /// <summary>The open dump's kernel.</summary>
    public IKernel Kernel => _services.GetService<IKernel>() ?? throw new NoDumpException();

    /// <summary>The probed task_struct layout.</summary>
    public TaskStructLayout Layout => TaskStructLayout.Of(Kernel);

    /// <summary>The state decoder (names from the kernel's task_state_array).</summary>
    public TaskStateDecoder States => _states.Value;

    /// <summary>Every task, enumerated once per session (a cancelled enumeration is not kept).</summary>
    public TaskTable Tasks(CancellationToken cancellation = default)
    {
        lock (_lock)
        {
            if (_table is not null) return _table;
            _table = new TaskEnumerator(Kernel, States).Build(cancellation);
            _usage = null;
            return _table;
        }
    }

    /// <summary>VSZ, RSS and %MEM of a task of <see cref="Tasks"/>.</summary>
    public MemoryUsage MemoryOf(TaskInfo task)
    {
        var table = Tasks();
        lock (_lock)
        {
            _usage ??= new MemoryUsageReader(Kernel, table);
            return _usage.For(task);
        }
    }

    /// <summary>
    /// Reads ahead what <see cref="MemoryOf"/> will read for <paramref name="count"/> tasks of <paramref name="tasks"/>
    /// from <paramref name="from"/> on (their mm_structs, decompressed in parallel); the results are the same without it.
    /// </summary>
    public void PrefetchMemoryOf(IReadOnlyList<TaskInfo> tasks, int from, int count)
    {
        var table = Tasks();
        lock (_lock)
        {
            _usage ??= new MemoryUsageReader(Kernel, table);
            _usage.Prefetch(tasks, from, count);
        }
    }

    /// <summary>Why %MEM cannot be computed, or null.</summary>
    public string? MemoryNote
    {
        get
        {
            var table = Tasks();
            lock (_lock)
            {
                _usage ??= new MemoryUsageReader(Kernel, table);
                return _usage.TotalRamNote;
            }
        }
    }

    /// <summary>Reads a task_struct at any address (for a task the walks did not reach), marking it as such.</summary>
    public TaskInfo ReadTask(ulong address)
    {
        if (Tasks().ByAddress(address) is { } listed) return listed;
        var task = new TaskReader(Kernel, States).Read(address);
        task.AddProblem("not reached by any walk (task lists, runqueues, PID namespace): it may not be a live task");
        return task;
    }

    /// <summary>
    /// The tasks a selector names, crash's way: a decimal number is a PID, a hexadecimal kernel address a
    /// task_struct (listed or not), anything else a command name (comm, exact).
    /// </summary>
    public IReadOnlyList<TaskInfo> Select(string selector)
    {
        var table = Tasks();
        if (int.TryParse(selector, NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            return table.ByPid(pid).ToArray();
        if (Arguments.TryParseAddress(selector, out var address) && KernelAddress.IsKernel(address))
            return [ReadTask(address)];
        return table.Tasks.Where(t => t.Comm == selector).ToArray();
    }

    /// <summary>The number of tasks on a task's children list, and why the count is partial (or null).</summary>
    public (int Count, string? Problem) CountChildren(TaskInfo task, CancellationToken cancellation = default)
    {
        if (Layout.Children is not { } children) return (0, "struct task_struct has no children list");
        var walk = KernelLists.ListForEach(Kernel.Memory, task.Address + children.Offset, TaskEnumerator.MaxTasks, cancellation);
        return (walk.Items.Count, walk.IsComplete ? null : $"children: {walk.Problem}");
    }
}
