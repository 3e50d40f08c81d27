namespace DumpScope.Sdk.Commands;

/// <summary>
/// The session's current context (crash's <c>set</c>): the task and CPU that task commands run with no PID or task
/// argument use (<c>bt</c>, <c>task</c>, <c>vm</c>…). The host provides one per session; it is empty until set.
/// </summary>
public interface ICurrentContext
{
    /// <summary>The current task's task_struct address, or null when none was set.</summary>
    ulong? Task { get; }

    /// <summary>The CPU chosen with <c>set -c</c> (or the current task's CPU when known), or null.</summary>
    int? Cpu { get; }

    /// <summary>Makes <paramref name="task"/> (and <paramref name="cpu"/>, when known) the current context.</summary>
    void Set(ulong task, int? cpu);

    /// <summary>Forgets the current context (task commands go back to their own default).</summary>
    void Clear();
}

/// <summary>The session's <see cref="ICurrentContext"/>: thread-safe, as commands may run off the UI thread.</summary>
public sealed class CurrentContext : ICurrentContext
{
    private readonly Lock _lock = new();
    private ulong? _task;
    private int? _cpu;

    /// <inheritdoc/>
    public ulong? Task { get { lock (_lock) return _task; } }

    /// <inheritdoc/>
    public int? Cpu { get { lock (_lock) return _cpu; } }

    /// <inheritdoc/>
    public void Set(ulong task, int? cpu)
    {
        lock (_lock)
        {
            _task = task;
            _cpu = cpu;
        }
    }

    /// <inheritdoc/>
    public void Clear()
    {
        lock (_lock)
        {
            _task = null;
            _cpu = null;
        }
    }
}
