namespace DumpScope.Plugins.Tasks;

/// <summary>Which independent walks reached a task (a task found by one walk but not another is suspect).</summary>
[Flags]
public enum TaskSources
{
    /// <summary>Reached by no walk (not used for listed tasks).</summary>
    None = 0,
    /// <summary>init_task itself or a group leader on init_task.tasks.</summary>
    TaskList = 1,
    /// <summary>A thread on its leader's signal->thread_head (or thread_group) list.</summary>
    ThreadGroup = 2,
    /// <summary>A CPU's idle task (runqueues[cpu].idle).</summary>
    IdleTask = 4,
    /// <summary>The task a CPU's runqueue says is running (runqueues[cpu].curr).</summary>
    RunqueueCurrent = 8,
    /// <summary>Reached from the initial PID namespace (init_pid_ns.idr → struct pid → tasks[PIDTYPE_PID]).</summary>
    PidNamespace = 16,
}
