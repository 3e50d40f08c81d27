namespace DumpScope.Plugins.Tasks;

/// <summary>
/// Builds the <see cref="TaskTable"/> from independent walks, so that no single damaged structure hides tasks:
/// init_task and the group leaders on init_task.tasks; each leader's threads (signal->thread_head, or the
/// older thread_group ring); every CPU's idle and running task from runqueues; and the initial PID namespace.
/// Tasks found by some walks but not by others are reported. Every walk is bounded and cycle-aware; an
/// unreadable task is a task with problems, never an exception.
/// </summary>
internal sealed class TaskEnumerator(IKernel kernel, TaskStateDecoder states)
{
    /// <summary>Most tasks accepted from all walks together (PID_MAX_LIMIT plus one idle task per CPU of NR_CPUS=8192).</summary>
    public const int MaxTasks = KernelTasks.MaxTasks;

    private readonly TaskStructLayout layout = TaskStructLayout.Of(kernel);
    private readonly TaskReader _reader = new(kernel, states);
    private readonly Dictionary<ulong, TaskInfo> _tasks = [];
    private readonly List<string> _warnings = [];
    private readonly List<string> _notes = [];

    public TaskTable Build(CancellationToken cancellation)
    {
        if (states.Note is { } stateNote) _notes.Add(stateNote);
        var init = kernel.Global("init_task", "struct task_struct").Address;
        Add(init, TaskSources.TaskList);

        // Each leader is read, and its threads walked, as the walk reaches it, while its task_struct page is the
        // page just read: walking the whole list first, or the threads in a later pass, re-read (and re-inflated)
        // every leader's page on dumps with more tasks than the page cache holds pages.
        var walked = new HashSet<ulong> { init };
        int warningsBefore = _warnings.Count;
        AddThreads(_tasks[init], cancellation);
        bool full = false;
        var leaders = KernelLists.ListForEach(kernel.Memory, init + layout.Tasks.Offset, MaxTasks, node =>
        {
            if (full) return;
            cancellation.ThrowIfCancellationRequested();
            var leader = Add(node - layout.Tasks.Offset, TaskSources.TaskList);
            if (leader is null) full = true;
            else if (walked.Add(leader.Address)) AddThreads(leader, cancellation);
        }, cancellation);
        if (leaders.End == WalkEnd.Cancelled) throw new OperationCanceledException(cancellation);
        if (!leaders.IsComplete)
            _warnings.Insert(warningsBefore, $"init_task.tasks: {leaders.Problem}; other walks may still find the tasks after that point");

        var cpus = ReadCpus();
        foreach (var cpu in cpus)
        {
            if (cpu.Idle is { } idle) Add(idle, TaskSources.IdleTask);
            if (cpu.Current is { } current) Add(current, TaskSources.RunqueueCurrent);
        }

        var pids = CrossCheckPidNamespace(cancellation);
        var (panicCpu, panicNote) = ReadPanicCpu(cpus);
        CheckCpuNotes(cpus);
        CheckParents();

        var sorted = _tasks.Values
            .OrderBy(t => t.Pid ?? int.MaxValue)
            .ThenBy(t => t.Cpu ?? int.MaxValue)
            .ThenBy(t => t.Address)
            .ToArray();
        return new TaskTable(sorted, cpus, panicCpu, panicNote, _warnings, _notes, pids);
    }

    private TaskInfo? Add(ulong address, TaskSources source)
    {
        if (_tasks.TryGetValue(address, out var known))
        {
            known.Sources |= source;
            return known;
        }
        if (_tasks.Count >= MaxTasks)
        {
            _warnings.Add($"stopped after {MaxTasks} tasks: the task lists are corrupt");
            return null;
        }
        var task = _reader.Read(address);
        task.Sources = source;
        _tasks.Add(address, task);
        return task;
    }

    private void AddThreads(TaskInfo leader, CancellationToken cancellation)
    {
        WalkResult<ulong> walk;
        string what;
        if (layout.SignalThreadHead?.Offset is { } head && layout.ThreadNode?.Offset is { } node)
        {
            if (leader.Signal is not { } signal)
            {
                if (layout.SignalPointer is not null) leader.AddProblem("threads not listed: signal unreadable");
                return;
            }
            if (signal == 0) return;
            what = "signal->thread_head";
            walk = KernelLists.ListForEach(kernel.Memory, signal + head, MaxTasks, cancellation).Select(n => n - node);
        }
        else if (layout.ThreadGroup?.Offset is { } group)
        {
            what = "thread_group";
            walk = KernelLists.ListForEach(kernel.Memory, leader.Address + group, MaxTasks, cancellation).Select(n => n - group);
        }
        else return;
        if (walk.End == WalkEnd.Cancelled) throw new OperationCanceledException(cancellation);
        if (!walk.IsComplete)
        {
            var message = $"{what}: {walk.Problem}";
            leader.AddProblem(message);
            _warnings.Add($"threads of pid {leader.Pid?.ToString() ?? "?"} ({leader.Comm ?? "?"}) at {leader.Address:x}: {message}");
        }
        // The threads are known now: a big process's task_structs are read ahead (decompressed in parallel).
        if (walk.Items.Count > 8)
            kernel.Memory.Prefetch(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(walk.Items.Where(t => t != leader.Address && !_tasks.ContainsKey(t)).ToList()), (int)_reader.Length);
        foreach (var thread in walk.Items)
            if (thread != leader.Address && Add(thread, TaskSources.ThreadGroup) is null) break;
    }

    private IReadOnlyList<CpuTasks> ReadCpus()
    {
        IReadOnlyList<DumpCpuState> notes;
        try
        {
            notes = kernel.Dump.Cpus;
        }
        catch (NotSupportedException)
        {
            notes = [];
        }
        // The CPUs the machine has: the present ones (online, or unplugged and parked in their idle task); a
        // possible CPU that is not present is an empty hot-plug slot whose idle task never ran. kdump writes one
        // PRSTATUS note per online CPU, in CPU order.
        var possible = kernel.ForEachPresentCpu().ToArray();
        var online = kernel.ForEachOnlineCpu().ToArray();
        var noteCpus = notes.Count == online.Length ? online : notes.Count == possible.Length ? possible : [];
        bool notesByPosition = noteCpus.Length > 0;
        // QEMU's dump-guest-memory writes a QEMU CPU-state note (control registers) beside each PRSTATUS, and
        // fills pr_pid with the vCPU number + 1: QEMU does not know guest pids.
        if (notes.Any(n => n.Registers.ContainsKey("cr3")))
        {
            notesByPosition = false;
            _notes.Add("the dump's CPU notes were written by QEMU (pr_pid is the vCPU number + 1, not a guest pid): running tasks come from the runqueues alone");
        }
        else if (notes.Count > 0 && !notesByPosition)
            _notes.Add($"the dump has {notes.Count} CPU notes for {online.Length} online and {possible.Length} present CPUs: notes are not matched to CPUs");

        bool haveRq = kernel.HasSymbol("runqueues") && layout.RqCurr is not null && layout.RqIdle is not null;
        if (!haveRq) _notes.Add("runqueues (struct rq curr/idle) not available: idle tasks of CPUs other than 0 and running tasks are not known");
        var result = new List<CpuTasks>();
        for (int i = 0; i < possible.Length; i++)
        {
            int cpu = possible[i];
            int noteIndex = Array.IndexOf(noteCpus, cpu);
            int? notePid = notesByPosition && noteIndex >= 0 ? notes[noteIndex].Pid : null;
            if (!haveRq)
            {
                result.Add(new CpuTasks(cpu, null, null, null, notePid, "runqueues not available"));
                continue;
            }
            string? problem = null;
            ulong? Task(Func<IKernel, int, KernelObject> read, string name)
            {
                try
                {
                    return read(kernel, cpu).Address;
                }
                catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
                {
                    problem ??= KernelDataErrors.Fault(e) is { } fault ? $"runqueues[{cpu}].{name}: {fault.Message}" : KernelDataErrors.Reason(e);
                    return null;
                }
            }
            ulong? curr = Task(Runqueues.CpuCurr, "curr"), idle = Task(Runqueues.IdleTask, "idle");
            if (problem is not null) _warnings.Add(problem);
            result.Add(new CpuTasks(cpu, Runqueues.CpuRq(kernel, cpu).Address, curr, idle, notePid, problem));
        }
        return result;
    }

    private IReadOnlyList<PidEntry>? CrossCheckPidNamespace(CancellationToken cancellation)
    {
        IReadOnlyList<PidEntry> pids;
        string? problem;
        try
        {
            (pids, problem) = PidNamespaceReader.Read(kernel, cancellation);
        }
        catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
        {
            _notes.Add($"PID namespace cross-check not available: {KernelDataErrors.Reason(e)}");
            return null;
        }
        if (problem is not null) _warnings.Add(problem);
        var reached = new HashSet<ulong>();
        foreach (var pid in pids)
        {
            if (pid.Problem is not null) _warnings.Add($"struct pid {pid.Address:x} (id {pid.Id}): {pid.Problem}");
            foreach (var address in pid.Tasks)
            {
                bool known = _tasks.ContainsKey(address);
                var task = Add(address, TaskSources.PidNamespace);
                if (task is null) break;
                reached.Add(address);
                task.NamespacePid ??= pid.Nr;
                if (pid.Nr is { } nr && task.Pid is { } own && nr != own)
                    task.AddProblem($"its struct pid {pid.Address:x} says pid {nr}, the task says {own}");
                if (!known)
                {
                    task.AddProblem("found only through the PID namespace (not on the task lists)");
                    _warnings.Add($"pid {task.Pid?.ToString() ?? "?"} ({task.Comm ?? "?"}) at {address:x} is in the PID namespace but on no task list");
                }
            }
        }
        foreach (var task in _tasks.Values)
        {
            // Idle tasks (pid 0) use init_struct_pid, which is not in any namespace's idr.
            if (reached.Contains(task.Address) || task.Pid is 0 or null) continue;
            task.AddProblem("not found through the PID namespace");
            _warnings.Add($"pid {task.Pid} ({task.Comm ?? "?"}) at {task.Address:x} is on the task lists but not in the PID namespace");
        }
        return pids;
    }

    private (int? Cpu, string Note) ReadPanicCpu(IReadOnlyList<CpuTasks> cpus)
    {
        if (!kernel.HasSymbol("panic_cpu")) return (null, "panic_cpu is not in the symbol table: the panicking task is unknown");
        long value;
        try
        {
            value = kernel.Global("panic_cpu", "atomic_t")["counter"].ReadSigned();
        }
        catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
        {
            return (null, $"panic_cpu unreadable: {KernelDataErrors.Reason(e)}");
        }
        if (value == -1) return (null, "panic_cpu is -1 (PANIC_CPU_INVALID): the kernel was not panicking when the dump was taken");
        var cpu = cpus.FirstOrDefault(c => c.Cpu == value);
        if (cpu is null)
        {
            _warnings.Add($"panic_cpu is {value}, not a present CPU below nr_cpu_ids");
            return (null, $"panic_cpu {value} is not a present CPU");
        }
        if (cpu.Current is null) return ((int)value, $"panic_cpu is {value} but its runqueue's curr is unknown");
        return ((int)value, $"panic_cpu is {value}: the panicking task is the task running there (runqueues[{value}].curr)");
    }

    private void CheckCpuNotes(IReadOnlyList<CpuTasks> cpus)
    {
        foreach (var cpu in cpus)
        {
            if (cpu.NotePid is not { } notePid || cpu.Current is not { } current || !_tasks.TryGetValue(current, out var task)) continue;
            if (task.Pid is { } pid && pid != notePid)
                _warnings.Add($"CPU {cpu.Cpu}: runqueue curr is pid {pid} ({task.Comm ?? "?"}) but the dump's note for the CPU says pid {notePid}");
            if (task.Cpu is { } taskCpu && taskCpu != cpu.Cpu)
                task.AddProblem($"running on CPU {cpu.Cpu} by its runqueue but its cpu field says {taskCpu}");
        }
    }

    private void CheckParents()
    {
        foreach (var task in _tasks.Values)
        {
            if (task.RealParent is not { } parent || parent == task.Address || parent == 0) continue;
            if (!_tasks.ContainsKey(parent))
                task.AddProblem($"real_parent {parent:x} is not a listed task");
        }
    }
}
